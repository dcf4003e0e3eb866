/**
 * Seeded fuzz of the ~/.ssh/config import, which nothing fuzzed before. A config is the
 * user's own file, but it is often copied from elsewhere and grows over years: whatever it
 * holds, the import ends in a result or a profiles.* PortholeError within 1 s, never a raw
 * exception or a hang, and never runs anything. Oversized numbers, oversized lengths and
 * repetition are among the mutations (test/support/fuzz.ts); a failure names the seed and the
 * case (replay with PORTHOLE_FUZZ_SEED).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../main/profiles/import-result';
import { importSshConfig } from '../../main/profiles/ssh-config-import';
import { PortholeError } from '../../main/shared/errors';
import { InputTimer, mutateTextStacked } from '../support/fuzz';
import { mulberry32 as random } from '../support/prng';

const SEED = Number(process.env['PORTHOLE_FUZZ_SEED'] ?? 20241204);

let home: string;
let marker: string;

/** A config with every feature the import reads: Include, patterns, Match, ProxyJump chains, tokens, forwards. */
const configText = () => `# Work and seminar machines
Include config.d/*.conf

Host gpu
    HostName 203.0.113.7
    User ubuntu
    Port 22
    IdentityFile ~/.ssh/gpu.pem
    IdentityFile %d/.ssh/%u_%h_%p.key
    LocalForward 8888 localhost:8888
    LocalForward 127.0.0.1:6006 [::1]:6006
    DynamicForward 1080
    RemoteForward 2222 localhost:22

Host bastion
    HostName bastion.example.com
    User jump
    Port 2200

Host internal-db internal-db.corp
    HostName 10.0.0.5
    ProxyJump bastion,admin@hop2.example.com:2222

Host deep
    ProxyJump internal-db

Host legacy
    ProxyCommand sh -c "touch ${marker}; nc %h %p"

Host "quoted name" web?
    User "deploy user"
    CertificateFile ~/.ssh/cert.pub

Host *.corp !skip.corp
    User corpuser
    Include ~/.ssh/config.d/inner.conf

Match exec "touch ${marker}"
    User hacked

Match all
    ServerAliveInterval 30

Host *
    User=defaultuser
    IdentityFile ~/.ssh/id_ed25519
`;

const INCLUDED: Record<string, string> = {
  'config.d/10-azure.conf': 'Host azure-vm\n    HostName vm.westeurope.cloudapp.azure.com\n    User azureuser\n    IdentityFile %d/.ssh/azure_%u.pem\n',
  'config.d/20-loop.conf': 'Include config.d/20-loop.conf\nHost aws-box\n    HostName ec2-3-120-1-2.eu-central-1.compute.amazonaws.com\n',
  'config.d/inner.conf': 'Port 2022\nLocalForward 9000 localhost:9000\n',
};

const ALPHABET = ['\n', '\r\n', '\t', ' ', '=', '"', '\\', '#', '*', '?', '!', ',', '%', '%%', '%h', '%C', '~', '[', ']', ':', '@', 'Host ', 'Match ', 'Include ', 'ProxyJump ', 'HostName ', 'Port ', 'User ', 'LocalForward ', 'config.d/*.conf', '\u0000', '\ufeff'];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'porthole-sshconfig-fuzz-'));
  marker = join(home, 'RAN-A-COMMAND');
  for (const [relative, text] of Object.entries(INCLUDED)) {
    await mkdir(join(home, '.ssh', 'config.d'), { recursive: true });
    await writeFile(join(home, '.ssh', relative), text);
  }
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

function checkResult(result: ImportResult, where: string): void {
  for (const profile of result.profiles) {
    expect(typeof profile.host, where).toBe('string');
    expect(Number.isInteger(profile.port) && profile.port >= 1 && profile.port <= 65_535, where).toBe(true);
  }
  for (const warning of result.warnings) expect(typeof warning.message, where).toBe('string');
  for (const skip of result.skipped) expect(typeof skip.reason, where).toBe('string');
}

function checkError(error: unknown, where: string): void {
  if (!(error instanceof PortholeError) || !error.code.startsWith('profiles.')) {
    throw new Error(`${where}: not a PortholeError with a profiles.* code: ${String(error)}\n${(error as Error).stack ?? ''}`, { cause: error });
  }
}

describe(`ssh_config import fuzz (seed ${SEED})`, () => {
  it('2000 damaged configs each end in an import result or a profiles.* error within 1 s, and run nothing', { timeout: 600_000 }, async () => {
    const rnd = random(SEED);
    const timer = new InputTimer('ssh_config import');
    const path = join(home, '.ssh', 'config');
    const seed = configText();
    let withProfiles = 0;
    for (let i = 0; i < 2000; i++) {
      const text = mutateTextStacked(rnd, seed, ALPHABET);
      await writeFile(path, text);
      const where = () => `seed ${SEED} case ${i}: ${JSON.stringify(text.slice(0, 240))} (${text.length} chars)`;
      try {
        const result = await timer.run(where, () => importSshConfig(path, { home, localUser: 'alice' }));
        checkResult(result, where());
        if (result.profiles.length > 0) withProfiles++;
      } catch (error) {
        checkError(error, where());
      }
    }
    timer.finish();
    expect(existsSync(marker)).toBe(false);
    expect(withProfiles).toBeGreaterThan(1000);
  });

  it('hostile configs stay under 1 s each, among them every slow input the fuzzer found (regressions)', { timeout: 120_000 }, async () => {
    const timer = new InputTimer('ssh_config hostile files');
    const path = join(home, '.ssh', 'config');
    const hosts = (count: number) => Array.from({ length: count }, (_, i) => `Host h${i}\n    User u${i}\n`).join('');
    const cases: [string, string, (result: ImportResult) => void][] = [
      // Found by the fuzzer: every Include read the files again (10 s for 3 240 repeats).
      ['one Include line 3 000 times', `Host gpu\n${'Include config.d/*.conf\n'.repeat(3_000)}`, (result) => expect(result.profiles.map((p) => p.name)).toContain('azure-vm')],
      // Found: each "[" of a pattern looked for its "]" to the end of the line (2 s for 10 000).
      ['an Include pattern with 10 000 "["', `Include config.d/*.con${'['.repeat(10_000)}f\nHost gpu\n`, (result) => expect(result.profiles.map((p) => p.name)).toEqual(['gpu'])],
      // Found: thousands of identical blocks, each host matched against every single setting.
      ['"Host *" 1 000 times over 1 000 hosts', `${hosts(1_000)}${'Host *\n    ServerAliveInterval 30\n    User=defaultuser\n'.repeat(1_000)}`, (result) => expect(result.profiles).toHaveLength(1_000)],
      // Written to the same end: many hosts times many blocks, a setting repeated, a jump list.
      ['3 000 hosts, each its own block', `${hosts(3_000)}Host *\n    IdentityFile ~/.ssh/k\n`, (result) => expect(result.profiles).toHaveLength(1_000)],
      ['50 000 forwards for every host', `${hosts(100)}Host *\n${'    LocalForward 8888 localhost:8888\n'.repeat(50_000)}`, (result) => expect(result.profiles).toEqual([])],
      ['a ProxyJump list of 100 000 hops', `Host deep\n    ProxyJump ${'bastion,'.repeat(100_000)}bastion\n${hosts(2_000)}`, (result) => expect(result.skipped.find((skip) => skip.host === 'deep')?.reason).toMatch(/100001 jump hosts/)],
    ];
    const results: ImportResult[] = [];
    for (const [label, text] of cases) {
      await writeFile(path, text);
      results.push(await timer.run(label, () => importSshConfig(path, { home, localUser: 'alice' })));
    }
    // Times first, so a slow case is named even if its result is also wrong.
    timer.finish();
    cases.forEach(([, , check], index) => check(results[index]!));
  });
});
