/**
 * Reads an AWS access key out of the text people actually have: the CSV the AWS console
 * offers for download ("Access key ID,Secret access key" then one row), the lines of a
 * credentials file or of `export AWS_…=` (any case, `=` or `:`), or just the key id and
 * the secret (and a session token) on lines of their own. Pure; the result is checked by
 * checkAccessKey before anything is stored.
 */
import { PortholeError } from '../../shared/errors';
import { checkAccessKey, type AwsAccessKey } from './vault-credentials';

const FIELD_NAMES: Record<string, keyof AwsAccessKey> = {
  aws_access_key_id: 'accessKeyId',
  access_key_id: 'accessKeyId',
  accesskeyid: 'accessKeyId',
  aws_secret_access_key: 'secretAccessKey',
  secret_access_key: 'secretAccessKey',
  secretaccesskey: 'secretAccessKey',
  aws_session_token: 'sessionToken',
  session_token: 'sessionToken',
  sessiontoken: 'sessionToken',
};

export function parseAccessKeyText(text: string): AwsAccessKey {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !/^\[.*\]$/.test(line));
  if (lines.length === 0) {
    throw new PortholeError({ code: 'aws.invalid-access-key', message: 'No access key arrived on stdin.', hint: 'Pipe in the CSV the AWS console gave you, or the key id and the secret on two lines.', retryable: false });
  }

  // The console's CSV: a header naming the columns, then the values.
  if (/access key id/i.test(lines[0]!) && lines.length >= 2) {
    const header = splitCsv(lines[0]!).map((cell) => cell.toLowerCase().replace(/[^a-z]/g, ''));
    const row = splitCsv(lines[1]!);
    const cell = (name: string) => row[header.indexOf(name)];
    return checkAccessKey({ accessKeyId: cell('accesskeyid'), secretAccessKey: cell('secretaccesskey'), sessionToken: cell('sessiontoken') });
  }

  // name = value / name: value / export NAME=value lines.
  const named: Partial<Record<keyof AwsAccessKey, string>> = {};
  for (const line of lines) {
    const match = /^(?:export\s+)?([A-Za-z_]+)\s*[=:]\s*(.*)$/.exec(line);
    const field = match ? FIELD_NAMES[match[1]!.toLowerCase()] : undefined;
    if (match && field) named[field] = unquote(match[2]!);
  }
  if (named.accessKeyId !== undefined || named.secretAccessKey !== undefined) return checkAccessKey(named);

  // Bare values: id, secret, optional token.
  return checkAccessKey({ accessKeyId: lines[0], secretAccessKey: lines[1], sessionToken: lines[2] });
}

function splitCsv(line: string): string[] {
  return line.split(',').map((cell) => unquote(cell.trim()));
}

function unquote(value: string): string {
  return value.replace(/^(["'])(.*)\1$/, '$2').trim();
}
