import { describe, expect, it } from 'vitest';
import { quitDecision, quitQuestion } from '../../main/app/quit-question';

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
    expect(quitDecision(0)).toEqual({ kind: 'quit', stopServers: true });
    expect(quitDecision(1)).toEqual({ kind: 'quit', stopServers: false });
    expect(quitDecision(2)).toEqual({ kind: 'stay' });
    expect(quitDecision(-1)).toEqual({ kind: 'stay' });
  });
});
