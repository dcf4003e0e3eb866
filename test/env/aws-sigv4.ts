/**
 * Checks an AWS Signature Version 4 `Authorization` header the way AWS does, so the EC2
 * stand-in knows that the credentials Porthole resolved (profile, SSO, environment, vault)
 * really signed the request: the key id, the region and service of the scope, and the
 * signature over method, path, query, signed headers and body, with the secret key.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SigV4Request {
  readonly method: string;
  /** Path and query, as in the request line. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export type SigV4Check =
  | { readonly kind: 'ok'; readonly accessKeyId: string; readonly region: string; readonly sessionToken: string | null }
  | { readonly kind: 'missing' }
  | { readonly kind: 'malformed'; readonly reason: string }
  /** The key id is known to the caller's `secretFor`, or not (null secret). */
  | { readonly kind: 'unknown-key'; readonly accessKeyId: string }
  | { readonly kind: 'wrong-scope'; readonly accessKeyId: string; readonly region: string; readonly service: string }
  | { readonly kind: 'bad-signature'; readonly accessKeyId: string };

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;_.-]+), ?Signature=([0-9a-f]{64})$/;

export function checkSigV4(request: SigV4Request, expected: { region: string; service: string }, secretFor: (accessKeyId: string) => string | null): SigV4Check {
  const header = request.headers['authorization'];
  if (header === undefined) return { kind: 'missing' };
  const match = AUTH.exec(Array.isArray(header) ? header.join(',') : header);
  if (!match) return { kind: 'malformed', reason: 'Authorization header is not AWS4-HMAC-SHA256' };
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string, string];
  const amzDate = single(request.headers['x-amz-date']);
  if (amzDate === null || !amzDate.startsWith(date)) return { kind: 'malformed', reason: 'X-Amz-Date is missing or does not match the credential scope' };
  const secret = secretFor(accessKeyId);
  if (secret === null) return { kind: 'unknown-key', accessKeyId };
  if (region !== expected.region || service !== expected.service) return { kind: 'wrong-scope', accessKeyId, region, service };

  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) return { kind: 'malformed', reason: 'the host header is not signed' };
  const canonicalHeaders = signedHeaders.map((name) => `${name}:${(single(request.headers[name]) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const target = new URL(request.url, 'http://stand-in');
  const payloadHash = single(request.headers['x-amz-content-sha256']) ?? sha256(request.body);
  const canonicalRequest = [request.method, canonicalPath(target.pathname), canonicalQuery(target.searchParams), canonicalHeaders, signedHeaderList, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = [date, region, service, 'aws4_request'].reduce<Buffer>((k, part) => hmac(k, part), Buffer.from(`AWS4${secret}`));
  const computed = hmac(key, stringToSign);
  if (!timingSafeEqual(computed, Buffer.from(signature, 'hex'))) return { kind: 'bad-signature', accessKeyId };
  const token = single(request.headers['x-amz-security-token']);
  return { kind: 'ok', accessKeyId, region, sessionToken: token };
}

function single(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(',') : value;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 unreserved characters stay; everything else is %XX (uppercase). */
function escape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(path: string): string {
  return path.split('/').map((segment) => escape(decodeURIComponent(segment))).join('/') || '/';
}

function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .map(([k, v]) => `${escape(k)}=${escape(v)}`)
    .sort()
    .join('&');
}
