// Pacing of ExecuteCommand for the cron fan-out. ECS throttles ExecuteCommand per account and Region
// with a token bucket ("cluster resource modify actions": burst 100, refill 40/s — Amazon ECS API
// Reference, "Request throttling for the Amazon ECS API"), shared with RunTask and StopTask of every
// deploy in the account. Sending faster than that only buys ThrottlingExceptions and retry backoff,
// so the fan-out takes a token from its own bucket before each attempt, and cuts its rate by 30 % when
// ECS throttles anyway (someone else is spending the account's tokens), growing it back by a quarter of
// the configured rate per second without throttling (additive increase, multiplicative decrease).
import type { ECSClient } from '@aws-sdk/client-ecs';
import { ConfigurationError } from '../errors.js';

export interface PacerOptions {
  /** Sustained calls per second (default 40, the ECS bucket's refill rate). */
  ratePerSecond?: number;
  /** Calls allowed at once from a full bucket (default 90: the ECS bucket's 100 less a cushion). */
  burst?: number;
  /** The rate never drops below this (default 1/s). */
  minRatePerSecond?: number;
  /** Milliseconds, monotonic; tests pass a fake. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface PacerStats {
  /** Tokens handed out (attempts sent). */
  taken: number;
  /** Throttling errors seen. */
  throttled: number;
  /** Milliseconds callers spent waiting for a token, summed. */
  waitedMs: number;
  /** The current rate, calls per second. */
  ratePerSecond: number;
  /** The lowest rate it came down to. */
  lowestRatePerSecond: number;
}

/**
 * ECS's refill rate, and its burst less a cushion of 10: ECS's bucket starts refilling when the first
 * call of a burst arrives, which is later than we sent it when 100 calls queue on one connection pool,
 * while the calls after the burst arrive promptly — without the cushion they can find it empty.
 */
export const DEFAULT_EXEC_RATE = { ratePerSecond: 40, burst: 90 } as const;

export class Pacer {
  readonly maxRate: number;
  readonly burst: number;
  private rate: number;
  private readonly minRate: number;
  private tokens: number;
  private at: number;
  private lastThrottle = -Infinity;
  /** Tokens promised to callers already waiting, so waiters queue instead of racing. */
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  readonly stats: PacerStats;

  constructor(options: PacerOptions = {}) {
    this.maxRate = options.ratePerSecond ?? DEFAULT_EXEC_RATE.ratePerSecond;
    this.burst = options.burst ?? DEFAULT_EXEC_RATE.burst;
    this.minRate = Math.min(options.minRatePerSecond ?? 1, this.maxRate);
    if (!(this.maxRate > 0) || !Number.isFinite(this.maxRate))
      throw new ConfigurationError(`the exec rate must be a number above 0, got ${this.maxRate}`);
    if (!Number.isInteger(this.burst) || this.burst < 1)
      throw new ConfigurationError(`the exec burst must be a whole number of at least 1, got ${this.burst}`);
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.rate = this.maxRate;
    this.tokens = this.burst;
    this.at = this.now();
    this.stats = {
      taken: 0,
      throttled: 0,
      waitedMs: 0,
      ratePerSecond: this.rate,
      lowestRatePerSecond: this.rate,
    };
  }

  private refill(): void {
    const now = this.now();
    const seconds = (now - this.at) / 1000;
    this.at = now;
    // Additive increase: a quarter of the configured rate per second, from a second after a throttle.
    if (this.rate < this.maxRate && now - this.lastThrottle > 1000)
      this.rate = Math.min(this.maxRate, this.rate + this.maxRate * 0.25 * seconds);
    this.tokens = Math.min(this.burst, this.tokens + seconds * this.rate);
    this.stats.ratePerSecond = this.rate;
  }

  /** Waits for a token; callers are served in the order they asked. */
  take(): Promise<void> {
    const asked = this.now();
    const turn = this.queue.then(async () => {
      for (;;) {
        this.refill();
        if (this.tokens >= 1) break;
        await this.sleep(((1 - this.tokens) / this.rate) * 1000);
      }
      this.tokens -= 1;
      this.stats.taken++;
      this.stats.waitedMs += this.now() - asked;
    });
    this.queue = turn;
    return turn;
  }

  /** ECS throttled a call: cut the rate by 30 % and drop the tokens in hand (at most once a second). */
  throttled(): void {
    this.stats.throttled++;
    const now = this.now();
    this.refill();
    if (now - this.lastThrottle >= 1000) {
      this.rate = Math.max(this.minRate, this.rate * 0.7);
      this.tokens = Math.min(this.tokens, 0);
      this.stats.ratePerSecond = this.rate;
      this.stats.lowestRatePerSecond = Math.min(this.stats.lowestRatePerSecond, this.rate);
    }
    this.lastThrottle = now;
  }
}

const PACER_MIDDLEWARE = 'mdlPreviewExecPacer';
const THROTTLING = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException']);

/**
 * Paces one ECS client's ExecuteCommand attempts (each retry of the SDK included: the deserialize step
 * runs inside the retry middleware of finalizeRequest) until the returned function is called.
 */
export function paceExecuteCommand(ecs: ECSClient, pacer: Pacer): () => void {
  ecs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'ExecuteCommandCommand') return next(args);
      await pacer.take();
      try {
        return await next(args);
      } catch (err) {
        if (THROTTLING.has((err as Error).name)) pacer.throttled();
        throw err;
      }
    },
    // High priority: outside the deserializer, so a throttle arrives here as the parsed error.
    { step: 'deserialize', priority: 'high', name: PACER_MIDDLEWARE, override: true },
  );
  return () => {
    ecs.middlewareStack.remove(PACER_MIDDLEWARE);
  };
}
