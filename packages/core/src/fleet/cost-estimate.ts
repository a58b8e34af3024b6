// A site's Fargate cost per month, estimated from what the plan asks for: its minimum tasks, each of
// the task's vCPU and memory, for every hour its schedule has it awake, at the platform file's prices.
// Scale-out above the minimum, one-off tasks, the ALB, Aurora, EFS and data transfer are not in it:
// the estimate is the baseline a settings change moves, and `mdl-preview cost` shows what was billed.
import { awakeHoursPerWeek, type AwakeSchedule } from './awake-schedule.js';

/** Average weeks in a month (365.25 / 7 / 12). */
export const WEEKS_PER_MONTH = 365.25 / 7 / 12;

export interface FargatePrices {
  /** Per vCPU-hour. */
  vcpuHour: number;
  /** Per GB-hour of memory. */
  gbHour: number;
  currency: string;
}

export interface CostEstimate {
  /** Hours a month the site is awake. */
  awakeHours: number;
  /** Tasks that run while awake (the scalable target's minimum). */
  tasks: number;
  vcpuHours: number;
  gbHours: number;
  /** Per month, rounded to cents. */
  monthly: number;
  currency: string;
}

export function estimateMonthlyCost(
  task: { cpu: number; memory: number; minTasks: number; awake: AwakeSchedule },
  prices: FargatePrices,
): CostEstimate {
  const awakeHours = awakeHoursPerWeek(task.awake) * WEEKS_PER_MONTH;
  const vcpuHours = (task.cpu / 1024) * task.minTasks * awakeHours;
  const gbHours = (task.memory / 1024) * task.minTasks * awakeHours;
  const monthly = vcpuHours * prices.vcpuHour + gbHours * prices.gbHour;
  return {
    awakeHours: round(awakeHours, 1),
    tasks: task.minTasks,
    vcpuHours: round(vcpuHours, 1),
    gbHours: round(gbHours, 1),
    monthly: round(monthly, 2),
    currency: prices.currency,
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** `36.40 USD`: an amount as the plan and the fleet page show it. */
export const money = (amount: number, currency: string) => `${amount.toFixed(2)} ${currency}`;

/** The estimate in one line: `8.02 USD a month (1 task(s) × 282.6 h awake: 141.3 vCPU-h, 282.6 GB-h)`. */
export const describeEstimate = (e: CostEstimate) =>
  `${money(e.monthly, e.currency)} a month (${e.tasks} task(s) × ${e.awakeHours} h awake: ${e.vcpuHours} vCPU-h, ${e.gbHours} GB-h)`;

/**
 * What a plan's estimate changes against the one recorded by the last deploy (the registry entry's):
 * `+18.20 USD a month (now 18.20 USD)`, `no change`, or `+36.40 USD a month (a new site)`.
 */
export function describeCostChange(
  next: Pick<CostEstimate, 'monthly' | 'currency'>,
  previous: { monthly: number; currency: string } | undefined,
): string {
  if (!previous) return `+${money(next.monthly, next.currency)} a month (a new site)`;
  if (previous.currency !== next.currency)
    return `now ${money(previous.monthly, previous.currency)}, estimated in another currency`;
  const delta = Math.round((next.monthly - previous.monthly) * 100) / 100;
  if (delta === 0) return `no change (${money(next.monthly, next.currency)} a month)`;
  return `${delta > 0 ? '+' : '−'}${money(Math.abs(delta), next.currency)} a month (now ${money(previous.monthly, previous.currency)})`;
}
