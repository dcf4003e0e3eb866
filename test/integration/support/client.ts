/** Test clients that talk through a forward's local port. */
import { connect } from 'node:net';

/** Sends `payload`, half-closes, and resolves with everything received until the server closes. */
export function roundTrip(port: number, payload: Buffer | string, timeoutMs = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer through 127.0.0.1:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    socket.end(payload);
  });
}

/** How a connection attempt ended: data received, a clean close without data, or an error. */
export function outcomeOf(port: number, payload: string, timeoutMs: number): Promise<'data' | 'closed' | 'error' | 'hang'> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let gotData = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('hang');
    }, timeoutMs);
    socket.on('data', () => (gotData = true));
    socket.on('error', () => {
      clearTimeout(timer);
      resolve('error');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(gotData ? 'data' : 'closed');
    });
    socket.write(payload);
  });
}
