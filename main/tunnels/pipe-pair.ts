/**
 * Joins a local socket and a forwarded channel. Whatever goes wrong on one side ends this
 * pair only: other connections through the same forward are untouched.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export function pipePair(socket: Socket, channel: Duplex, onClosed: () => void): () => void {
  let closed = false;
  const destroyBoth = () => {
    if (closed) return;
    closed = true;
    socket.destroy();
    channel.destroy();
    onClosed();
  };
  socket.on('error', destroyBoth);
  channel.on('error', destroyBoth);
  socket.on('close', destroyBoth);
  channel.on('close', destroyBoth);
  socket.pipe(channel);
  channel.pipe(socket);
  return destroyBoth;
}
