// Token-bucket rate limits, as AWS applies them per account and Region: each bucket holds at most
// `burst` tokens, refills `refillPerSecond` of them every second, and each call of one of its actions
// takes one token or is answered with the service's throttling error. Wall time drives the refill
// (not the fake's simulated clock), so a benchmark sees the same pacing a real account would.

export interface RateLimitBucket {
  /** A name for reports (`cluster resource modify`). */
  name: string;
  /** The service's SigV4 signing name (`ecs`). */
  service: string;
  actions: readonly string[];
  /** Maximum capacity: the calls allowed at once from a full bucket. */
  burst: number;
  /** Tokens added per second: the sustained rate. */
  refillPerSecond: number;
}

/**
 * The ECS buckets the cron fan-out meets, with the defaults of the Amazon ECS API Reference, "Request
 * throttling for the Amazon ECS API", throttling quotas table: "Cluster resource modify actions"
 * (ExecuteCommand, RunTask, StopTask, …) burst 100, refill 40/s; "Cluster resource read actions"
 * (DescribeTasks, ListTasks, …) burst 100, refill 20/s.
 */
export const ECS_RATE_LIMITS: readonly RateLimitBucket[] = [
  {
    name: 'cluster resource modify',
    service: 'ecs',
    actions: [
      'DeleteAttributes',
      'DeregisterContainerInstance',
      'ExecuteCommand',
      'PutAttributes',
      'RunTask',
      'StartTask',
      'StopTask',
      'UpdateContainerAgent',
      'UpdateContainerInstancesState',
    ],
    burst: 100,
    refillPerSecond: 40,
  },
  {
    name: 'cluster resource read',
    service: 'ecs',
    actions: [
      'DescribeContainerInstances',
      'DescribeTasks',
      'ListAttributes',
      'ListContainerInstances',
      'ListTasks',
    ],
    burst: 100,
    refillPerSecond: 20,
  },
];

interface BucketState {
  spec: RateLimitBucket;
  tokens: number;
  at: number;
  taken: number;
  refused: number;
}

/** The buckets of one fake; `take` answers whether a call may go ahead now. */
export class RateLimiter {
  private readonly byAction = new Map<string, BucketState>();
  private readonly states: BucketState[];

  constructor(
    buckets: readonly RateLimitBucket[],
    private readonly clock: () => number = () => performance.now(),
  ) {
    for (const b of buckets) {
      if (!(b.burst >= 1) || !(b.refillPerSecond > 0))
        throw new Error(`rate limit ${b.name}: burst must be ≥ 1 and refill > 0`);
    }
    this.states = buckets.map((spec) => ({
      spec,
      tokens: spec.burst,
      at: this.clock(),
      taken: 0,
      refused: 0,
    }));
    for (const s of this.states)
      for (const a of s.spec.actions) this.byAction.set(`${s.spec.service}:${a}`, s);
  }

  /** Takes a token for this call; false when its bucket is empty (the call is throttled). */
  take(service: string, action: string): boolean {
    const s = this.byAction.get(`${service}:${action}`);
    if (!s) return true;
    const now = this.clock();
    s.tokens = Math.min(s.spec.burst, s.tokens + ((now - s.at) / 1000) * s.spec.refillPerSecond);
    s.at = now;
    if (s.tokens >= 1) {
      s.tokens -= 1;
      s.taken++;
      return true;
    }
    s.refused++;
    return false;
  }

  /** Calls let through and refused, per bucket. */
  report(): { name: string; taken: number; refused: number }[] {
    return this.states.map((s) => ({ name: s.spec.name, taken: s.taken, refused: s.refused }));
  }
}
