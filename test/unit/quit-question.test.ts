import { describe, expect, it } from 'vitest';
import { quitDecision, quitQuestion } from '../../main/app/quit-question';
import type { StartedMachineView } from '../../main/ipc/contract';

describe('quit question', () => {
  it('asks nothing when Porthole started no server that still runs', () => {
    expect(quitQuestion([])).toBeNull();
  });

  it('names the host of a single server', () => {
    const question = quitQuestion([{ host: 'gpu', pid: 10, remotePort: 8888 }])!;
    expect(question.message).toBe('Jupyter is still running on gpu.');
    expect(question.detail).toMatch(/^Porthole started it and is closing its tunnels now\. Stop it/);
    expect(question.buttons).toEqual(['Stop them', 'Keep them running', 'Cancel']);
    expect(question.defaultId).toBe(0);
    expect(question.cancelId).toBe(2);
  });

  it('counts servers and lists each host once', () => {
    const question = quitQuestion([
      { host: 'gpu', pid: 10, remotePort: 8888 },
      { host: 'gpu', pid: 11, remotePort: 8889 },
      { host: 'cpu', pid: 12, remotePort: 8888 },
      { host: 'lab', pid: 13, remotePort: 8888 },
    ])!;
    expect(question.message).toBe('4 Jupyter servers are still running on gpu, cpu and lab.');
    expect(question.detail).toMatch(/Stop them to free the machine, or keep them running/);
  });

  it('maps the buttons to decisions, and anything else to staying', () => {
    expect(quitDecision(0)).toEqual({ kind: 'quit', stopServers: true, stopVms: true });
    expect(quitDecision(1)).toEqual({ kind: 'quit', stopServers: false, stopVms: false });
    expect(quitDecision(2)).toEqual({ kind: 'stay' });
    expect(quitDecision(-1)).toEqual({ kind: 'stay' });
  });

  describe('with VMs Porthole started still running', () => {
    const HOUR = 3_600_000;
    const aws: StartedMachineView = { provider: 'aws', id: 'i-0123456789abcdef0', name: 'gpu-box', account: { provider: 'aws', profile: 'course', vaultCredential: null, region: 'eu-central-1' }, host: 'gpu', runningSince: 0, price: { usdPerHour: 0.658, asOf: '2025-01-15' }, costSoFar: 1.316 };
    const azure: StartedMachineView = { provider: 'azure', id: 'course-rg/dsvm-01', name: 'dsvm-01', account: { provider: 'azure', subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', tenantId: null }, host: null, runningSince: 1.5 * HOUR, price: null, costSoFar: null };

    it('lists each VM with its running time, cost so far and price, and what stopping means', () => {
      const question = quitQuestion([], [aws, azure], 2 * HOUR + 5 * 60_000)!;
      expect(question.message).toBe('2 VMs Porthole started are still running (about $1.32 so far).');
      expect(question.detail.split('\n')).toEqual([
        '• gpu-box for gpu (AWS): running for 2 h 05 min, about $1.32 so far, $0.66/h',
        '• dsvm-01 (Azure): running for 35 min, about cost unknown so far, no price estimate for its type',
        '',
        'Stop them to stop the charges: Porthole asks AWS to stop and Azure to deallocate them (disks and files are kept). Keep them running to come back later; they cost money until stopped. Prices are estimates from list prices.',
      ]);
      expect(question.buttons).toEqual(['Stop them', 'Keep them running', 'Cancel']);
    });

    it('one VM and a Jupyter server: both are named; a VM without any price has no total', () => {
      const question = quitQuestion([{ host: 'cpu', pid: 12, remotePort: 8888 }], [azure], 1.5 * HOUR)!;
      expect(question.message).toBe('The VM dsvm-01, which Porthole started, is still running.');
      expect(question.detail).toContain('Porthole asks Azure to deallocate it');
      expect(question.detail).toMatch(/Jupyter is also still running on cpu; stopping it too frees the machine\.$/);
    });
  });
});
