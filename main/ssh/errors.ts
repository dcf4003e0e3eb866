/**
 * Turns every raw SSH failure (Node socket errors, ssh2's errors, channel open failures)
 * into a PortholeError: a stable code, a message saying what failed in the user's words,
 * and a hint with the next step. Pure: the inputs are the error's own fields, so the unit
 * tests feed it errors recorded from real failures.
 */
import { PortholeError } from '../shared/errors';

export interface SshErrorContext {
  /** How the user knows this server: "gpu-1 (10.0.0.5:22)" or "127.0.0.1:2222". */
  readonly server: string;
  /** True once this connection has been up: a failure is then "lost", not "could not connect". */
  readonly wasReady?: boolean;
}

/** The parts of an error the classifier reads; real errors from net, dns and ssh2 all fit. */
export interface RawError {
  readonly message?: string;
  readonly code?: string | number;
  readonly level?: string;
  readonly reason?: number | string;
}

const retry = true;

export function classifySshError(error: unknown, context: SshErrorContext): PortholeError {
  if (error instanceof PortholeError) return error;
  const raw = (typeof error === 'object' && error !== null ? error : { message: String(error) }) as RawError;
  const message = raw.message ?? '';
  const code = typeof raw.code === 'string' ? raw.code : '';
  const { server } = context;
  const make = (c: string, msg: string, hint: string, retryable: boolean) =>
    new PortholeError({ code: c, message: msg, hint, retryable }, { cause: error });

  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return make('ssh.dns-failed', `The name of ${server} could not be found.`, 'Check the host name for typos, and that you are online (and on the VPN, if this server needs one).', retry);
    case 'ECONNREFUSED':
      return make('ssh.connection-refused', `${server} refused the connection: nothing is accepting SSH connections on that port.`, 'Check the port number, and that the machine is running and its SSH server is started. A VM that is still booting needs a minute.', retry);
    case 'ETIMEDOUT':
      return make('ssh.timeout', `${server} did not answer in time.`, 'Check that the machine is running and that a firewall or cloud security group allows SSH (port 22) from your address.', retry);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
      return make('ssh.unreachable', `${server} cannot be reached from this network.`, 'Check your network connection, or the VPN if this server is on a private network.', retry);
    case 'ECONNRESET':
    case 'EPIPE':
      return lost(make, context);
  }

  if (/Timed out while waiting for handshake/i.test(message)) {
    return make('ssh.timeout', `${server} accepted the connection but never completed the SSH handshake.`, 'The server may be overloaded or still booting, or a proxy may be in the way. Try again in a moment.', retry);
  }
  if (/All configured authentication methods failed/i.test(message)) {
    return make('ssh.auth-failed', `${server} refused the login.`, 'Check the user name, and that your public key is in ~/.ssh/authorized_keys on the server (or that the password is right).', false);
  }
  if (/Keepalive timeout/i.test(message)) return lost(make, context);
  if (/Host denied \(verification failed\)/i.test(message)) {
    // Normally replaced by the host-key check's own, more precise error; never retried.
    return make('ssh.hostkey-rejected', `The host key of ${server} was not accepted, so Porthole stopped before logging in.`, 'Check the server\'s host key fingerprint and connect again.', false);
  }
  if (/no passphrase given/i.test(message)) {
    return make('ssh.key-passphrase-required', 'This private key is protected by a passphrase.', 'Enter the key\'s passphrase, or load the key into your ssh-agent.', false);
  }
  if (/bad passphrase|integrity check failed|Failed to generate information to decrypt key/i.test(message)) {
    return make('ssh.key-passphrase-wrong', 'The passphrase for this private key is wrong.', 'Type the passphrase again; it is the one chosen when the key was created, not the server password.', false);
  }
  if (/Unsupported key format|does not contain a \(valid\) private key|Malformed/i.test(message)) {
    return make('ssh.key-unreadable', 'This file is not a private key Porthole can read.', 'Choose the private key file (not the .pub file). PuTTY .ppk keys can be imported in the Keys section.', false);
  }
  if (/Handshake failed: no matching/i.test(message)) {
    return make('ssh.no-common-algorithm', `${server} and Porthole share no ${/cipher/i.test(message) ? 'cipher' : /host key/i.test(message) ? 'host key type' : 'key exchange method'}.`, 'The server may be very old or restricted to unusual algorithms; update its OpenSSH or ask its administrator.', false);
  }
  if (raw.level === 'client-socket' || raw.level === 'client-timeout') {
    return context.wasReady ? lost(make, context) : make('ssh.connection-failed', `Could not connect to ${server}.`, 'Check the address and your network, then try again.', retry);
  }
  if (raw.level === 'protocol' || raw.level === 'handshake') {
    return make('ssh.protocol-error', `The SSH conversation with ${server} failed: ${message}.`, 'Try again; if it persists, the server or something between you and it is misbehaving.', retry);
  }
  return context.wasReady
    ? lost(make, context)
    : make('ssh.connection-failed', `Could not connect to ${server}: ${message || 'unknown error'}.`, 'Check the address and your network, then try again.', retry);
}

function lost(make: (c: string, msg: string, hint: string, retryable: boolean) => PortholeError, context: SshErrorContext): PortholeError {
  return make('ssh.connection-lost', `The connection to ${context.server} was lost.`, 'Porthole reconnects by itself when the network is back; your forwards keep their local ports.', true);
}

/** RFC 4254 §5.1 reason codes of SSH_MSG_CHANNEL_OPEN_FAILURE. */
export const OPEN_FAILURE = { ADMINISTRATIVELY_PROHIBITED: 1, CONNECT_FAILED: 2, UNKNOWN_CHANNEL_TYPE: 3, RESOURCE_SHORTAGE: 4 } as const;

/** A failed direct-tcpip/forwarded channel, with the target the user asked for. */
export function classifyChannelOpenError(error: unknown, target: { host: string; port: number }, server: string): PortholeError {
  if (error instanceof PortholeError) return error;
  const raw = (typeof error === 'object' && error !== null ? error : {}) as RawError;
  const where = `${target.host}:${target.port}`;
  const make = (c: string, msg: string, hint: string, retryable: boolean) =>
    new PortholeError({ code: c, message: msg, hint, retryable }, { cause: error });
  switch (raw.reason) {
    case OPEN_FAILURE.ADMINISTRATIVELY_PROHIBITED:
      return make('tunnel.forwarding-refused', `${server} does not allow port forwarding.`, 'Its SSH server has AllowTcpForwarding set to "no". Ask the administrator to allow it (in /etc/ssh/sshd_config), or use another server.', false);
    case OPEN_FAILURE.CONNECT_FAILED:
      return make('tunnel.target-unreachable', `Nothing is listening on ${where} as seen from ${server}.`, `Start the service on the remote (for Jupyter: is it running, and on port ${target.port}?), or check the host and port of this forward.`, true);
    case OPEN_FAILURE.UNKNOWN_CHANNEL_TYPE:
      return make('tunnel.channel-open-failed', `${server} does not support this kind of forward.`, 'The server\'s SSH software does not offer TCP forwarding channels.', false);
    case OPEN_FAILURE.RESOURCE_SHORTAGE:
      return make('tunnel.channel-open-failed', `${server} is out of resources for new forwarded connections.`, 'Close some connections or raise the server\'s MaxSessions, then try again.', true);
  }
  if (/No response from server|Not connected|closed/i.test(raw.message ?? '')) {
    return make('ssh.connection-lost', `The connection to ${server} was lost while opening a forward to ${where}.`, 'Porthole reconnects by itself; try again in a moment.', true);
  }
  return make('tunnel.channel-open-failed', `Could not open a forwarded connection to ${where} through ${server}: ${raw.message ?? 'unknown error'}.`, 'Try again; if it persists, check the forward\'s target.', true);
}

/**
 * The server took the channel open but never answered it: the link is up (keepalives pass),
 * yet this one connection cannot be carried. Usually the target drops connections, so the
 * server's own connect to it hangs; sometimes the server is overloaded.
 */
export function channelOpenTimeoutError(target: { host: string; port: number }, server: string, cause: { readonly timeoutMs: number }): PortholeError {
  const where = `${target.host}:${target.port}`;
  return new PortholeError(
    {
      code: 'tunnel.channel-open-timeout',
      message: `${server} did not open a connection to ${where} within ${+(cause.timeoutMs / 1000).toFixed(1)} s.`,
      hint: `Check that ${where} answers as seen from ${server} (a firewall that drops connections makes the server wait), or whether ${server} is overloaded; then try again.`,
      retryable: true,
    },
    { cause },
  );
}
