/**
 * The deadline on opening an SSH channel (main/shared/channel-open.ts), and the matching of a
 * server's remote-forward offers to the forwards that asked for them (main/tunnels/remote-forward.ts).
 * Against the real sshd: test/integration/tunnels.test.ts, "channel opens the server never answers".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelOpenTimeoutError, openChannelWithin } from '../../main/shared/channel-open';
import { channelOpenTimeoutError } from '../../main/ssh/errors';
import { matchRemoteForward } from '../../main/tunnels/remote-forward';

type Callback = (error: Error | undefined, channel: { close(): void }) => void;

describe('openChannelWithin', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves with the channel the server opened in time', async () => {
    const channel = { close: vi.fn() };
    await expect(openChannelWithin(1_000, (done: Callback) => done(undefined, channel))).resolves.toBe(channel);
    expect(channel.close).not.toHaveBeenCalled();
  });

  it('passes on the server\'s refusal', async () => {
    const refusal = Object.assign(new Error('Connection refused'), { reason: 2 });
    await expect(openChannelWithin(1_000, (done: Callback) => done(refusal, undefined as never))).rejects.toBe(refusal);
  });

  it('gives up after the deadline, and closes a channel that is opened after it', async () => {
    let answer: Callback | undefined;
    const opening = openChannelWithin(1_000, (done: Callback) => (answer = done));
    const outcome = opening.catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(ChannelOpenTimeoutError);
    expect((error as ChannelOpenTimeoutError).timeoutMs).toBe(1_000);
    const late = { close: vi.fn() };
    answer!(undefined, late);
    expect(late.close).toHaveBeenCalledOnce();
  });

  it('turns ssh2\'s synchronous "Not connected" into a rejection', async () => {
    await expect(
      openChannelWithin(1_000, () => {
        throw new Error('Not connected');
      }),
    ).rejects.toThrow('Not connected');
  });

  it('the error a user sees names the target, the server and the time, and what to check', () => {
    const error = channelOpenTimeoutError({ host: '10.0.0.5', port: 8888 }, 'gpu-1', new ChannelOpenTimeoutError(20_000));
    expect(error.toInfo()).toEqual({
      code: 'tunnel.channel-open-timeout',
      message: 'gpu-1 did not open a connection to 10.0.0.5:8888 within 20 s.',
      hint: expect.stringContaining('firewall'),
      retryable: true,
    });
  });
});

describe('matchRemoteForward', () => {
  const forwards = [
    { bindHost: '127.0.0.1', port: 9000, name: 'a' },
    { bindHost: 'localhost', port: 9000, name: 'b' },
    { bindHost: '127.0.0.1', port: 9001, name: 'c' },
    { bindHost: '0.0.0.0', port: null, name: 'still binding' },
  ];

  it('picks the forward that asked for exactly that address and port', () => {
    expect(matchRemoteForward({ destIP: '127.0.0.1', destPort: 9000 }, forwards)?.name).toBe('a');
    expect(matchRemoteForward({ destIP: 'localhost', destPort: 9000 }, forwards)?.name).toBe('b');
    expect(matchRemoteForward({ destIP: '127.0.0.1', destPort: 9001 }, forwards)?.name).toBe('c');
  });

  it('matches none for another port, another address, or a forward whose port is not known yet', () => {
    expect(matchRemoteForward({ destIP: '127.0.0.1', destPort: 9002 }, forwards)).toBeUndefined();
    expect(matchRemoteForward({ destIP: '::1', destPort: 9000 }, forwards)).toBeUndefined();
    expect(matchRemoteForward({ destIP: '0.0.0.0', destPort: 0 }, forwards)).toBeUndefined();
    expect(matchRemoteForward({ destIP: '127.0.0.1', destPort: 9000 }, [])).toBeUndefined();
  });
});
