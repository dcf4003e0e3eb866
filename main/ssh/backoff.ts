/** Reconnect delays: exponential, capped, with jitter so many clients don't retry in lockstep. */
export interface BackoffPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
  /** 0..1: the delay is drawn from [d * (1 - jitter), d]. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2, jitter: 0.3 };

/** Delay before reconnect attempt `attempt` (1-based); `random` in [0, 1) is injected to keep this pure. */
export function backoffDelay(attempt: number, random: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** exponent);
  return Math.round(base * (1 - policy.jitter * random));
}
