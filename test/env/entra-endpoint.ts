/**
 * A local Microsoft Entra ID for the device-code sign-in, speaking the wire format of the
 * Microsoft identity platform's OAuth 2.0 device authorization grant to the real
 * @azure/identity DeviceCodeCredential (MSAL underneath), over HTTPS with a certificate of
 * the run's test CA (trusted through NODE_EXTRA_CA_CERTS):
 *
 *   GET  /{tenant}/v2.0/.well-known/openid-configuration   OpenID discovery (issuer on this origin);
 *                                                          {tenant}: the directory's id, or organizations / common
 *   POST /{tenant}/oauth2/v2.0/devicecode                  user_code, device_code, verification_uri, interval, message
 *   POST /{tenant}/oauth2/v2.0/token                       grant_type=device_code (MSAL's word; the RFC 8628
 *                                                          urn:ietf:params:oauth:grant-type:device_code too):
 *                                                          400 authorization_pending (AADSTS70016) until the test
 *                                                          approves the code, then the tokens (access, refresh,
 *                                                          id_token, client_info); 400 authorization_declined when denied
 *
 * Point the credential at it with `authorityHost: entra.url, disableInstanceDiscovery: true`
 * (instance discovery asks login.microsoftonline.com, which a custom host does not need).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { makeDir } from './run-dir';
import { issueServerCertificate, testCa } from './test-tls';

/** Azure CLI's public client id, which DeviceCodeCredential uses unless told otherwise. */
export const DEVELOPER_SIGN_ON_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

export interface EntraEndpoint {
  /** https://127.0.0.1:PORT (the authority host) */
  readonly url: string;
  readonly tenantId: string;
  /** Every request, as `METHOD path grant_type?`. */
  readonly requests: readonly string[];
  /** The user codes handed out so far. */
  readonly userCodes: readonly string[];
  /** The user entered `userCode` and signed in: the next poll gets the tokens. */
  approve(userCode: string): void;
  /** The user declined: the next poll gets authorization_declined. */
  decline(userCode: string): void;
  close(): Promise<void>;
}

interface Grant {
  readonly userCode: string;
  readonly scope: string;
  status: 'pending' | 'approved' | 'declined' | 'redeemed';
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export async function startEntraEndpoint(options: { readonly tenantId: string; readonly accessToken: string }): Promise<EntraEndpoint> {
  const certificate = await issueServerCertificate(testCa(), makeDir('entra-endpoint'));
  const grants = new Map<string, Grant>();
  const requests: string[] = [];
  const userCodes: string[] = [];
  const { tenantId } = options;
  let url = '';

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'x-ms-request-id': randomUUID() });
    response.end(JSON.stringify(body));
  };
  const oauthError = (response: ServerResponse, error: string, code: number, description: string) =>
    json(response, 400, {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString().replace('T', ' ').slice(0, 19)}Z`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
      error_uri: `${url}/error?code=${code}`,
    });

  const idToken = (clientId: string): string => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: clientId, iss: `${url}/${tenantId}/v2.0`, iat: now, nbf: now, exp: now + 3600, name: 'Student', oid: 'b7f7c1f0-0000-4000-8000-0000000057d1', preferred_username: 'student@course.example', sub: 'stand-in-subject', tid: tenantId, ver: '2.0' };
    return `${base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', kid: 'stand-in' }))}.${base64url(JSON.stringify(claims))}.${base64url(randomBytes(32))}`;
  };

  const answer = (request: IncomingMessage, body: URLSearchParams, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0]!;
    requests.push(`${request.method} ${path}${body.has('grant_type') ? ` ${body.get('grant_type')}` : ''}`);
    // The directory's own id, or the multi-tenant aliases a public client signs in through.
    const tenant = /^\/([^/]+)\//.exec(path)?.[1] ?? '';
    if (![tenantId, 'organizations', 'common'].includes(tenant)) return oauthError(response, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
    const prefix = `/${tenant}`;
    if (request.method === 'GET' && path === `${prefix}/v2.0/.well-known/openid-configuration`) {
      return json(response, 200, {
        token_endpoint: `${url}${prefix}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${url}${prefix}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `${url}${prefix}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: `${url}/oidc/userinfo`,
        authorization_endpoint: `${url}${prefix}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${url}${prefix}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${url}${prefix}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'name', 'oid', 'tid', 'preferred_username'],
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
      });
    }
    if (request.method === 'POST' && path === `${prefix}/oauth2/v2.0/devicecode`) {
      if (!body.get('client_id')) return oauthError(response, 'invalid_request', 900144, "The request body must contain the following parameter: 'client_id'.");
      const userCode = randomBytes(6).toString('base64url').replace(/[^A-Za-z0-9]/g, 'X').toUpperCase().slice(0, 9);
      const deviceCode = randomBytes(48).toString('base64url');
      grants.set(deviceCode, { userCode, scope: body.get('scope') ?? '', status: 'pending' });
      userCodes.push(userCode);
      return json(response, 200, {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: 'https://microsoft.com/devicelogin',
        expires_in: 900,
        interval: 1,
        message: `To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ${userCode} to authenticate.`,
      });
    }
    if (request.method === 'POST' && path === `${prefix}/oauth2/v2.0/token`) {
      if (!['device_code', 'urn:ietf:params:oauth:grant-type:device_code'].includes(body.get('grant_type') ?? '')) return oauthError(response, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
      const grant = grants.get(body.get('device_code') ?? '');
      if (grant === undefined) return oauthError(response, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.');
      if (grant.status === 'pending') return oauthError(response, 'authorization_pending', 70016, 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.');
      if (grant.status === 'declined') return oauthError(response, 'authorization_declined', 70018, 'The user declined the sign-in.');
      if (grant.status === 'redeemed') return oauthError(response, 'invalid_grant', 70000, 'The provided device code was already redeemed.');
      grant.status = 'redeemed';
      const clientId = body.get('client_id') ?? DEVELOPER_SIGN_ON_CLIENT_ID;
      return json(response, 200, {
        token_type: 'Bearer',
        scope: grant.scope.split(' ').filter((s) => !['openid', 'profile', 'offline_access'].includes(s)).join(' '),
        expires_in: 4513,
        ext_expires_in: 4513,
        access_token: options.accessToken,
        refresh_token: randomBytes(48).toString('base64url'),
        id_token: idToken(clientId),
        client_info: base64url(JSON.stringify({ uid: 'b7f7c1f0-0000-4000-8000-0000000057d1', utid: tenantId })),
      });
    }
    return json(response, 404, { error: 'not_found', error_description: `The stand-in has no ${request.method} ${path}` });
  };

  const server: Server = createServer({ key: readFileSync(certificate.keyPath), cert: readFileSync(certificate.certPath) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => answer(request, new URLSearchParams(Buffer.concat(chunks).toString('utf8')), response));
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const setStatus = (userCode: string, status: 'approved' | 'declined') => {
    const grant = [...grants.values()].find((g) => g.userCode === userCode);
    if (grant === undefined) throw new Error(`the Entra stand-in handed out no code ${userCode}`);
    grant.status = status;
  };
  return {
    url,
    tenantId,
    requests,
    userCodes,
    approve: (code) => setStatus(code, 'approved'),
    decline: (code) => setStatus(code, 'declined'),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
