/**
 * A local Azure Resource Manager for tests: HTTPS on 127.0.0.1 with a certificate from the
 * run's test CA (trusted through NODE_EXTRA_CA_CERTS, see test-tls.ts), speaking ARM's JSON
 * wire format to the real SDK clients (@azure/arm-compute, -network, -resources-subscriptions).
 *
 * Covered operations (each checks its `api-version` as ARM does):
 *   GET  /subscriptions                                                    Subscriptions_List (paged)
 *   GET  /subscriptions/S/providers/Microsoft.Compute/virtualMachines      VirtualMachines_ListAll (paged; `statusOnly=true`)
 *   GET  /subscriptions/S/resourceGroups/RG/providers/Microsoft.Compute/virtualMachines        VirtualMachines_List (paged)
 *   GET  .../virtualMachines/NAME[?$expand=instanceView]                   VirtualMachines_Get
 *   GET  .../virtualMachines/NAME/instanceView                             VirtualMachines_InstanceView
 *   POST .../virtualMachines/NAME/start | deallocate | powerOff             long-running: 202 + Azure-AsyncOperation + Location
 *   GET  /subscriptions/S/providers/Microsoft.Compute/locations/L/operations/ID[?monitor=true]  the operation's status / result
 *   GET  /subscriptions/S/providers/Microsoft.Network/networkInterfaces    NetworkInterfaces_ListAll (paged)
 *   GET  .../Microsoft.Network/networkInterfaces/NAME                      NetworkInterfaces_Get
 *   GET  /subscriptions/S/providers/Microsoft.Network/publicIPAddresses    PublicIPAddresses_ListAll (paged)
 *   GET  .../Microsoft.Network/publicIPAddresses/NAME                      PublicIPAddresses_Get
 * Errors as ARM words them: 401 (missing, invalid or, on demand, expired token:
 * ExpiredAuthenticationToken), 403 AuthorizationFailed (on demand, per action), 404
 * SubscriptionNotFound / ResourceGroupNotFound / ResourceNotFound, 400 for a missing or
 * unknown api-version, and failed operations (e.g. AllocationFailed) on demand.
 *
 * Point the SDK at it with `endpoint: arm.url` (or PORTHOLE_AZURE_ARM_ENDPOINT for the CLI),
 * and give it the token `arm.accessToken`, e.g. through the `az` stand-in (az-cli-stand-in.ts).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import { makeDir } from './run-dir';
import { issueServerCertificate, testCa } from './test-tls';
import { ArmWorld, type StandInSubscription, type StandInVm, type StandInVmSpec } from './arm-state';

export type { StandInSubscription, StandInVmSpec, StandInVm } from './arm-state';

/** The api-versions each resource provider accepts: the SDKs' own and a few older real ones. */
const API_VERSIONS = {
  compute: ['2023-09-01', '2024-03-01', '2024-07-01', '2024-11-01', '2026-04-01'],
  network: ['2023-09-01', '2024-05-01', '2024-07-01', '2026-01-01'],
  subscriptions: ['2016-06-01', '2020-01-01', '2022-12-01'],
} as const;

export const STAND_IN_TENANT = '5f0c6c2a-0000-4000-8000-00000000a2e0';
export const STAND_IN_SUBSCRIPTION: StandInSubscription = { subscriptionId: 'c0ffee00-0000-4000-8000-000000000001', displayName: 'Data Science course', tenantId: STAND_IN_TENANT };

export interface ArmEndpointOptions {
  readonly subscriptions?: readonly StandInSubscription[];
  readonly vms?: readonly StandInVmSpec[];
  /** Items per page of every listing (default 2, so listings of three or more page through nextLink). */
  readonly pageSize?: number;
  /** Reads of a VM's state between two power states of an operation (default 2). */
  readonly ticksPerStep?: number;
}

export interface ArmRequestRecord {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly status: number;
}

export interface ArmEndpoint {
  /** The base URL: https://127.0.0.1:PORT */
  readonly url: string;
  /** The one bearer token it accepts (what the `az` stand-in hands out). */
  readonly accessToken: string;
  readonly tenantId: string;
  readonly subscriptions: readonly StandInSubscription[];
  /** Every request so far, in order. */
  readonly requests: readonly ArmRequestRecord[];
  /** The VM as the stand-in holds it, by `resourceGroup/name` (first subscription) or `subscription/resourceGroup/name`. */
  vm(id: string): StandInVm;
  addVm(spec: StandInVmSpec): StandInVm;
  /** From now on every request gets 401 ExpiredAuthenticationToken, until renewToken(). */
  expireToken(): void;
  renewToken(): void;
  /** The address the VM's public IP gets at its next start (a move to another host, e.g. 127.0.0.2). */
  nextPublicIp(id: string, address: string): void;
  /** At the VM's next start, its public IP gets its address one read after the VM shows running. */
  lateAddressAtNextStart(id: string): void;
  /** The VM's next start fails as Azure reports it, e.g. AllocationFailed. */
  failNextStart(id: string, code: string, message: string): void;
  /** Answers 403 AuthorizationFailed to this action, e.g. `Microsoft.Compute/virtualMachines/start/action`. */
  deny(action: string): void;
  close(): Promise<void>;
}

class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const notFound = (type: string, name: string, group: string) =>
  new ArmError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

export async function startArmEndpoint(options: ArmEndpointOptions = {}): Promise<ArmEndpoint> {
  const dir = makeDir('arm-endpoint');
  const certificate = await issueServerCertificate(testCa(), dir);
  const subscriptions = options.subscriptions ?? [STAND_IN_SUBSCRIPTION];
  const pageSize = options.pageSize ?? 2;
  const accessToken = `standin.${randomBytes(24).toString('base64url')}`;
  const requests: ArmRequestRecord[] = [];
  const denied = new Set<string>();
  let expired = false;

  const server: Server = createServer({ key: readFileSync(certificate.keyPath), cert: readFileSync(certificate.certPath) });
  // Every TCP connection, handshaking ones included (closeAllConnections() misses those), so close() is immediate.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const world = new ArmWorld(url, subscriptions, options.vms ?? [], options.ticksPerStep ?? 2);

  const findVm = (id: string): StandInVm => {
    const parts = id.split('/');
    const [subscriptionId, group, name] = parts.length === 3 ? parts : [subscriptions[0]!.subscriptionId, ...parts];
    const vm = world.find(subscriptionId!, group!, name!);
    if (!vm) throw new Error(`the ARM stand-in has no VM ${id}`);
    return vm;
  };

  function authorize(request: IncomingMessage): void {
    const header = request.headers.authorization;
    if (!header) throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
    if (header !== `Bearer ${accessToken}`) throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (expired) {
      const now = new Date();
      throw new ArmError(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${new Date(now.getTime() - 60_000).toUTCString()}' is earlier than current UTC time '${now.toUTCString()}'.`,
        { 'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${STAND_IN_TENANT}", error="invalid_token", error_description="The access token has expired."` },
      );
    }
  }

  function checkApiVersion(query: URLSearchParams, family: keyof typeof API_VERSIONS, type: string): void {
    const version = query.get('api-version');
    if (!version) throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    const supported: readonly string[] = API_VERSIONS[family];
    if (supported.includes(version)) return;
    if (family === 'subscriptions') throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${version}' is invalid. The supported versions are '${supported.join(',')}'.`);
    throw new ArmError(400, 'NoRegisteredProviderFound', `No registered resource provider found for location 'westeurope' and API version '${version}' for type '${type}'. The supported api-versions are '${supported.join(', ')}'.`);
  }

  function checkAllowed(action: string, scope: string): void {
    if (denied.has(action.toLowerCase())) {
      throw new ArmError(
        403,
        'AuthorizationFailed',
        `The client 'student@course.example' with object id '0b5e1c2d-0000-4000-8000-000000000003' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
      );
    }
  }

  function subscriptionOf(id: string): StandInSubscription {
    const subscription = subscriptions.find((s) => s.subscriptionId.toLowerCase() === id.toLowerCase());
    if (!subscription) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
    return subscription;
  }

  /** One page of `items` from `$skiptoken`, with ARM's absolute nextLink (api-version kept). */
  function page(path: string, query: URLSearchParams, items: readonly object[]): object {
    const start = Number(query.get('$skiptoken') ?? 0);
    const value = items.slice(start, start + pageSize);
    if (start + pageSize >= items.length) return { value };
    const next = new URLSearchParams(query);
    next.set('$skiptoken', String(start + pageSize));
    return { value, nextLink: `${url}${path}?${next.toString()}` };
  }

  function vmOrThrow(subscriptionId: string, group: string, name: string): StandInVm {
    subscriptionOf(subscriptionId);
    const vm = world.find(subscriptionId, group, name);
    if (vm) return vm;
    if (!world.inSubscription(subscriptionId).some((other) => other.spec.resourceGroup.toLowerCase() === group.toLowerCase())) {
      throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${group}' could not be found.`);
    }
    throw notFound('Microsoft.Compute/virtualMachines', name, group);
  }

  function operationUrls(vm: StandInVm, operationId: string): { asyncOperation: string; location: string } {
    const base = `${url}/subscriptions/${vm.subscriptionId}/providers/Microsoft.Compute/locations/${world.location(vm)}/operations/${operationId}?p=${vm.vmId}&api-version=2026-04-01`;
    return { asyncOperation: base, location: `${base}&monitor=true` };
  }

  type Reply = { status: number; body?: object; headers?: Record<string, string> };

  function route(method: string, path: string, query: URLSearchParams): Reply {
    const segments = path.split('/').filter(Boolean);
    const lower = segments.map((s) => s.toLowerCase());
    const at = (index: number) => lower[index];

    // GET /subscriptions
    if (method === 'GET' && segments.length === 1 && at(0) === 'subscriptions') {
      checkApiVersion(query, 'subscriptions', 'subscriptions');
      return { status: 200, body: page(path, query, subscriptions.map((s) => world.subscriptionJson(s))) };
    }
    if (at(0) !== 'subscriptions' || !segments[1]) throw new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${url}${path}'.`);
    const subscriptionId = segments[1];

    // /subscriptions/S/providers/Microsoft.Compute/locations/L/operations/ID
    if (method === 'GET' && at(2) === 'providers' && at(3) === 'microsoft.compute' && at(4) === 'locations' && at(6) === 'operations' && segments[7]) {
      checkApiVersion(query, 'compute', 'locations/operations');
      const found = world.operationById(segments[7]);
      if (!found) throw new ArmError(404, 'NotFound', `The operation '${segments[7]}' was not found.`);
      world.tick(found.vm);
      const { operation } = found;
      if (query.get('monitor') === 'true') {
        if (operation.status === 'InProgress') return { status: 202, headers: { Location: operationUrls(found.vm, operation.id).location } };
        return { status: 200 };
      }
      return { status: 200, body: world.operationJson(operation) };
    }

    // /subscriptions/S/providers/Microsoft.Compute/virtualMachines | Microsoft.Network/{networkInterfaces,publicIPAddresses}
    if (method === 'GET' && segments.length === 5 && at(2) === 'providers') {
      subscriptionOf(subscriptionId);
      const vms = world.inSubscription(subscriptionId);
      const type = `${at(3)}/${at(4)}`;
      if (type === 'microsoft.compute/virtualmachines') {
        checkApiVersion(query, 'compute', 'virtualMachines');
        checkAllowed('Microsoft.Compute/virtualMachines/read', `/subscriptions/${subscriptionId}`);
        if (query.get('statusOnly') === 'true') {
          vms.forEach((vm) => world.tick(vm));
          return { status: 200, body: page(path, query, vms.map((vm) => world.vmStatusJson(vm))) };
        }
        return { status: 200, body: page(path, query, vms.map((vm) => world.vmJson(vm, false))) };
      }
      if (type === 'microsoft.network/networkinterfaces') {
        checkApiVersion(query, 'network', 'networkInterfaces');
        checkAllowed('Microsoft.Network/networkInterfaces/read', `/subscriptions/${subscriptionId}`);
        return { status: 200, body: page(path, query, vms.map((vm) => world.nicJson(vm))) };
      }
      if (type === 'microsoft.network/publicipaddresses') {
        checkApiVersion(query, 'network', 'publicIPAddresses');
        checkAllowed('Microsoft.Network/publicIPAddresses/read', `/subscriptions/${subscriptionId}`);
        return { status: 200, body: page(path, query, vms.flatMap((vm) => world.readPublicIp(vm) ?? [])) };
      }
    }

    // /subscriptions/S/resourceGroups/RG/providers/NS/TYPE[/NAME[/ACTION]]
    if (at(2) !== 'resourcegroups' || !segments[3] || at(4) !== 'providers' || !segments[5] || !segments[6]) {
      throw new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${url}${path}'.`);
    }
    const group = segments[3];
    const type = `${at(5)}/${at(6)}`;
    const name = segments[7];
    const action = at(8);
    const scope = path;
    subscriptionOf(subscriptionId);

    if (type === 'microsoft.compute/virtualmachines') {
      checkApiVersion(query, 'compute', 'virtualMachines');
      if (method === 'GET' && name === undefined) {
        checkAllowed('Microsoft.Compute/virtualMachines/read', scope);
        const inGroup = world.inSubscription(subscriptionId).filter((vm) => vm.spec.resourceGroup.toLowerCase() === group.toLowerCase());
        return { status: 200, body: page(path, query, inGroup.map((vm) => world.vmJson(vm, false))) };
      }
      if (name === undefined) throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
      const vm = vmOrThrow(subscriptionId, group, name);
      if (method === 'GET' && action === undefined) {
        checkAllowed('Microsoft.Compute/virtualMachines/read', scope);
        world.tick(vm);
        return { status: 200, body: world.vmJson(vm, query.get('$expand')?.toLowerCase() === 'instanceview') };
      }
      if (method === 'GET' && action === 'instanceview') {
        checkAllowed('Microsoft.Compute/virtualMachines/instanceView/read', scope);
        world.tick(vm);
        return { status: 200, body: (world.vmJson(vm, true) as { properties: { instanceView: object } }).properties.instanceView };
      }
      const kinds = { start: 'start', deallocate: 'deallocate', poweroff: 'powerOff' } as const;
      if (method === 'POST' && action !== undefined && action in kinds) {
        const kind = kinds[action as keyof typeof kinds];
        checkAllowed(`Microsoft.Compute/virtualMachines/${kind}/action`, `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.Compute/virtualMachines/${name}`);
        if (vm.operation?.status === 'InProgress' && vm.operation.kind !== kind) {
          throw new ArmError(409, 'OperationNotAllowed', `Operation '${kind}' is not allowed on VM '${name}' since the VM is busy with operation '${vm.operation.kind}'. Retry after the operation completes.`);
        }
        const operation = vm.operation?.status === 'InProgress' ? vm.operation : world.begin(vm, kind);
        const urls = operationUrls(vm, operation.id);
        return { status: 202, headers: { 'Azure-AsyncOperation': urls.asyncOperation, Location: urls.location } };
      }
      throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${method}'.`);
    }

    if (method === 'GET' && name !== undefined && action === undefined && (type === 'microsoft.network/networkinterfaces' || type === 'microsoft.network/publicipaddresses')) {
      const nic = type === 'microsoft.network/networkinterfaces';
      checkApiVersion(query, 'network', nic ? 'networkInterfaces' : 'publicIPAddresses');
      checkAllowed(`Microsoft.Network/${nic ? 'networkInterfaces' : 'publicIPAddresses'}/read`, scope);
      const suffix = nic ? '-nic' : '-ip';
      const vm = name.toLowerCase().endsWith(suffix) ? world.find(subscriptionId, group, name.slice(0, -suffix.length)) : undefined;
      const body = vm && (nic ? world.nicJson(vm) : world.readPublicIp(vm));
      if (!body) throw notFound(nic ? 'Microsoft.Network/networkInterfaces' : 'Microsoft.Network/publicIPAddresses', name, group);
      return { status: 200, body };
    }
    throw new ArmError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${url}${path}'.`);
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    // Bodies of these calls are empty; drain whatever came so the socket can be reused.
    request.resume();
    request.on('end', () => {
      const parsed = new URL(request.url ?? '/', url);
      const query = parsed.searchParams;
      let reply: Reply;
      try {
        authorize(request);
        reply = route(request.method ?? 'GET', decodeURIComponent(parsed.pathname), query);
      } catch (error) {
        // A bug in the stand-in shows up as ARM's 500, in the test's failure, not as a dead worker.
        const armError = error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', `The ARM stand-in failed: ${String(error)}`);
        reply = { status: armError.status, body: { error: { code: armError.code, message: armError.message } }, headers: { ...armError.headers } };
      }
      requests.push({ method: request.method ?? 'GET', path: parsed.pathname, query: Object.fromEntries(query), status: reply.status });
      const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
      response.writeHead(reply.status, {
        ...(text ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
        'Content-Length': Buffer.byteLength(text),
        'x-ms-request-id': randomBytes(16).toString('hex'),
        'Cache-Control': 'no-cache',
        ...reply.headers,
      });
      response.end(text);
    });
  });

  return {
    url,
    accessToken,
    tenantId: STAND_IN_TENANT,
    subscriptions,
    requests,
    vm: findVm,
    addVm: (spec) => world.add(spec),
    expireToken: () => void (expired = true),
    renewToken: () => void (expired = false),
    nextPublicIp: (id, address) => void findVm(id).nextPublicIps.push(address),
    lateAddressAtNextStart: (id) => void (findVm(id).lateAddress = true),
    failNextStart: (id, code, message) => void (findVm(id).failNextStart = { code, message }),
    deny: (action) => void denied.add(action.toLowerCase()),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
