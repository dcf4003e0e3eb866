/**
 * Which URLs the app may hand to the system browser. Everything else (file:, javascript:,
 * custom schemes, plain-http remote hosts) is refused, so a compromised page cannot make
 * the OS open arbitrary handlers.
 */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return true;
  // Forwarded Jupyter servers are reached over plain http on loopback only.
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}
