/**
 * Joins a local socket and a forwarded channel. Half-closes pass through (a client may
 * finish sending and still wait for the answer); an error on either side tears down this
 * pair only, never the other connections of the same forward. The pair counts as closed
 * when the local socket is: ssh2 emits a channel's 'close' only once its data has been
 * read, so it is not a signal to wait on.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export function pipePair(socket: Socket, channel: Duplex, onClosed: () => void): () => void {
  let closed = false;
  const finish = () => {
    if (closed) return;
    closed = true;
    onClosed();
  };
  const closeChannel = () => {
    try {
      // ssh2's Channel.destroy() is end() + close(): a polite CHANNEL_CLOSE to the server.
      channel.destroy();
    } catch {
      // The SSH transport is already gone.
    }
    channel.resume();
  };
  const destroyBoth = () => {
    socket.destroy();
    closeChannel();
    finish();
  };
  socket.on('error', destroyBoth);
  channel.on('error', destroyBoth);
  socket.on('close', () => {
    if (!channel.writableEnded) channel.end();
    channel.resume();
    finish();
  });
  channel.on('close', () => {
    if (!socket.writableEnded) socket.end();
  });
  socket.pipe(channel);
  channel.pipe(socket);
  return destroyBoth;
}
