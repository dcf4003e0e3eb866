/**
 * A stand-in for the Azure CLI, as far as @azure/identity's AzureCliCredential uses it:
 * `az account get-access-token --output json --resource R [--tenant T] [--subscription S]`.
 * Put `binDir` first on PATH (the credential runs `az` from PATH, with /bin as its working
 * folder) and it answers as the real CLI does:
 *  - logged in: the JSON of `az account get-access-token` (accessToken, expiresOn in local
 *    time, expires_on in epoch seconds, which @azure/identity 4.x prefers, subscription,
 *    tenant, tokenType), with the ARM stand-in's token;
 *  - logged out: "ERROR: Please run 'az login' to setup account." on stderr, exit 1;
 *  - refresh token expired: Entra ID's AADSTS700082 and the CLI's "Interactive
 *    authentication is needed" advice on stderr, exit 1.
 * Anything else it is asked is refused loudly, so a test notices a changed SDK.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { makeDir } from './run-dir';

export type AzLoginState = 'logged-in' | 'logged-out' | 'expired';

export interface AzCliStandIn {
  /** The folder holding the `az` script: put it first on PATH. */
  readonly binDir: string;
  /** PATH with `binDir` first. */
  path(base?: string): string;
  setState(state: AzLoginState): void;
  /** The arguments of every call so far, one array per call. */
  calls(): string[][];
}

export interface AzAccount {
  readonly accessToken: string;
  readonly tenantId: string;
  readonly subscriptionId: string;
}

/** `az`'s expiresOn: local time as "YYYY-MM-DD HH:MM:SS.ffffff". */
function localTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds() * 1000, 6)}`;
}

const EXPIRED_STDERR = [
  'ERROR: AADSTS700082: The refresh token has expired due to inactivity. The token was issued on 2025-01-06T09:12:44.1234567Z and was inactive for 90.00:00:00. Trace ID: 6e94ade5-10de-4d67-909a-14d845813500 Correlation ID: 0e87b495-1e24-4882-be85-d012c216f4f6 Timestamp: 2025-04-07 09:13:02Z',
  'Interactive authentication is needed. Please run:',
  'az login --scope https://management.azure.com/.default',
  '',
].join('\n');

export function installAzCliStandIn(account: AzAccount, state: AzLoginState = 'logged-in'): AzCliStandIn {
  const binDir = makeDir('az-cli');
  const expires = new Date(Date.now() + 60 * 60_000);
  writeFileSync(
    join(binDir, 'token.json'),
    `${JSON.stringify(
      {
        accessToken: account.accessToken,
        expiresOn: localTimestamp(expires),
        expires_on: Math.floor(expires.getTime() / 1000),
        subscription: account.subscriptionId,
        tenant: account.tenantId,
        tokenType: 'Bearer',
      },
      null,
      2,
    )}\n`,
    { mode: 0o600 },
  );
  writeFileSync(join(binDir, 'expired.txt'), EXPIRED_STDERR);
  writeFileSync(join(binDir, 'state'), state);
  writeFileSync(join(binDir, 'calls.log'), '');
  const q = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const script = `#!/bin/sh
# Test stand-in for the Azure CLI: answers \`az account get-access-token\` only.
dir=${q(binDir)}
printf '%s\\n' "$*" >> "$dir/calls.log"
if [ "$1" != account ] || [ "$2" != get-access-token ]; then
  echo "ERROR: the Azure CLI stand-in only answers 'az account get-access-token', not: az $*" >&2
  exit 2
fi
shift 2
resource=''
while [ $# -gt 0 ]; do
  case "$1" in
    --resource) resource="$2"; shift 2 ;;
    --output|--tenant|--subscription) shift 2 ;;
    *) echo "ERROR: unrecognized arguments: $1" >&2; exit 2 ;;
  esac
done
case "$resource" in
  https://management.azure.com|https://management.azure.com/|https://management.core.windows.net/) ;;
  *) echo "ERROR: the Azure CLI stand-in has tokens for Azure Resource Manager only, not for '$resource'" >&2; exit 1 ;;
esac
case "$(cat "$dir/state")" in
  logged-in) cat "$dir/token.json" ;;
  logged-out) echo "ERROR: Please run 'az login' to setup account." >&2; exit 1 ;;
  expired) cat "$dir/expired.txt" >&2; exit 1 ;;
esac
`;
  writeFileSync(join(binDir, 'az'), script);
  chmodSync(join(binDir, 'az'), 0o755);
  return {
    binDir,
    path: (base = process.env['PATH'] ?? '') => [binDir, ...base.split(delimiter).filter(Boolean)].join(delimiter),
    setState: (next) => writeFileSync(join(binDir, 'state'), next),
    calls: () =>
      readFileSync(join(binDir, 'calls.log'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split(' ')),
  };
}
