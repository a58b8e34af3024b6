// The fan-out's inputs that need parsing: the shard (`i/n`) and when a tick fails the job (`fail-on`).
// No AWS client: run-cron-fanout's first stage checks them before it loads the cron loop.
import { ConfigurationError } from '../errors.js';

/** Shard `index` (1-based) of `count`. */
export interface CronShard {
  index: number;
  count: number;
}

/** `i/n` with 1 ≤ i ≤ n; anything else is a ConfigurationError. */
export function parseShard(text: string): CronShard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || index < 1 || index > count || count > 1000)
    throw new ConfigurationError(`shard must be i/n with 1 ≤ i ≤ n (e.g. 2/3), got "${text}"`);
  return { index, count };
}

/** `any`, or a percentage of the sites that ran (`10%` or `10`). */
export type FailOn = { kind: 'any' } | { kind: 'percent'; percent: number };

export function parseFailOn(text: string): FailOn {
  const v = text.trim();
  if (v === 'any') return { kind: 'any' };
  const m = /^(\d+(?:\.\d+)?)%?$/.exec(v);
  if (m && Number(m[1]) >= 0 && Number(m[1]) <= 100) return { kind: 'percent', percent: Number(m[1]) };
  throw new ConfigurationError(`fail-on must be "any" or a percentage such as 10%, got "${text}"`);
}
