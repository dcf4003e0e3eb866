/**
 * A certificate authority for the run's local HTTPS stand-ins (the Azure ARM endpoint), made
 * with Debian's `openssl`, and server certificates it signs for 127.0.0.1 / localhost.
 *
 * The clients trust it the way users trust a corporate CA: through NODE_EXTRA_CA_CERTS.
 * Node reads that variable once, when the process starts, so setting it inside a running
 * test worker changes nothing. The global setup therefore makes the CA before Vitest forks
 * its workers and puts the path in process.env; Vitest builds each worker's environment from
 * process.env at fork time, so every worker, and every child a test spawns (the `porthole`
 * CLI), starts with the CA trusted. The key never leaves the run directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChecked } from './processes';

/** Where the global setup put the CA (its directory holds ca.crt and ca.key). */
export const TEST_CA_DIR_ENV = 'PORTHOLE_TEST_CA_DIR';

export interface TestCa {
  readonly dir: string;
  readonly certPath: string;
  readonly keyPath: string;
}

export interface ServerCertificate {
  readonly certPath: string;
  readonly keyPath: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export async function createTestCa(dir: string): Promise<TestCa> {
  const certPath = join(dir, 'ca.crt');
  const keyPath = join(dir, 'ca.key');
  await runChecked('openssl', [
    'req', '-x509', ...EC_KEY, '-keyout', keyPath, '-out', certPath, '-days', '7',
    '-subj', '/CN=Porthole test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { dir, certPath, keyPath };
}

/** A server certificate for `hosts` (IP addresses or DNS names), signed by the CA. */
export async function issueServerCertificate(ca: TestCa, dir: string, hosts: readonly string[] = ['127.0.0.1', 'localhost']): Promise<ServerCertificate> {
  const keyPath = join(dir, 'server.key');
  const csrPath = join(dir, 'server.csr');
  const certPath = join(dir, 'server.crt');
  const extPath = join(dir, 'server.ext');
  const names = hosts.map((host) => (/^[\d.]+$|:/.test(host) ? `IP:${host}` : `DNS:${host}`)).join(',');
  writeFileSync(extPath, `subjectAltName=${names}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n`);
  await runChecked('openssl', ['req', '-new', ...EC_KEY, '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${hosts[0] ?? 'localhost'}`]);
  await runChecked('openssl', ['x509', '-req', '-in', csrPath, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial', '-days', '7', '-extfile', extPath, '-out', certPath]);
  return { certPath, keyPath };
}

/** The run's CA, as the global setup made it; a clear error when running outside it. */
export function testCa(): TestCa {
  const dir = process.env[TEST_CA_DIR_ENV];
  if (!dir || !process.env['NODE_EXTRA_CA_CERTS']) {
    throw new Error(
      `${TEST_CA_DIR_ENV} / NODE_EXTRA_CA_CERTS are not set: the HTTPS stand-ins need the test CA that test/env/global-setup.ts makes before the workers start. ` +
        'Run the test through Vitest\'s integration or browser project (npx vitest run --config test/vitest.config.ts ...).',
    );
  }
  return { dir, certPath: join(dir, 'ca.crt'), keyPath: join(dir, 'ca.key') };
}
