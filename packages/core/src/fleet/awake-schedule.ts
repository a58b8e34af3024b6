// When a site is awake: `always`, or days and hours in the platform's time zone
// (`Mon-Fri 07:00-20:00`). Application Auto Scaling's scheduled actions do the sleeping — min and max
// tasks to 0 at the end of the window, back at its start, with the time zone set on the action — so
// nothing of the suite has to run at 20:00. Pure: parsing, the scheduled actions, the hours, and
// whether the schedule has a site awake at a moment.
import { z } from 'zod';

/** Days as Application Auto Scaling's cron expressions name them, Sunday first (Date#getDay order). */
export const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const DAY_TITLE = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

export type AwakeSchedule =
  | { kind: 'always' }
  | {
      kind: 'window';
      /** Days the window opens on, 0 = Sunday, ascending. */
      days: number[];
      /** Minutes after local midnight: the site wakes at `start` and sleeps at `end` (start < end). */
      start: number;
      end: number;
      /** IANA time zone the times are in (the platform's schedule.timezone). */
      timezone: string;
    };

/** The schedule as the site registry keeps it (cron and doctor read it there). */
export const awakeScheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('always') }),
  z.object({
    kind: z.literal('window'),
    days: z.array(z.int().min(0).max(6)).min(1),
    start: z.int().min(0).max(1439),
    end: z.int().min(1).max(1439),
    timezone: z.string(),
  }),
]);

export const AWAKE_SYNTAX =
  '"always", or days and hours such as "Mon-Fri 07:00-20:00" (days: Mon…Sun, ranges and commas, or daily; 24-hour times, start before end)';

const WINDOW = /^\s*(\S+)\s+([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*$/;

/** Parse `awake`; a problem says what to write instead. */
export function parseAwake(
  text: string,
  timezone: string,
): { schedule: AwakeSchedule; problem?: undefined } | { schedule?: undefined; problem: string } {
  if (text.trim().toLowerCase() === 'always') return { schedule: { kind: 'always' } };
  const m = WINDOW.exec(text);
  if (!m) return { problem: `must be ${AWAKE_SYNTAX}` };
  const days = parseDays(m[1]!);
  if (typeof days === 'string') return { problem: days };
  const start = minutesOf(m[2]!, m[3]!);
  const end = minutesOf(m[4]!, m[5]!);
  if (start === undefined || end === undefined)
    return { problem: `has a time that is not a 24-hour time from 00:00 to 23:59: ${text.trim()}` };
  if (start >= end)
    return {
      problem: `must wake before it sleeps on the same day (${clock(start)} is not before ${clock(end)}); a window over midnight is not supported`,
    };
  return { schedule: { kind: 'window', days, start, end, timezone } };
}

function minutesOf(h: string, m: string): number | undefined {
  const hours = Number(h);
  const minutes = Number(m);
  return hours <= 23 && minutes <= 59 ? hours * 60 + minutes : undefined;
}

function dayIndex(name: string): number | undefined {
  const i = DAYS.indexOf(name.slice(0, 3).toUpperCase() as (typeof DAYS)[number]);
  return i >= 0 && name.length === 3 ? i : undefined;
}

/** `Mon-Fri`, `Mon,Wed,Fri`, `Sat-Sun`, `Fri-Mon` (wrapping), `daily`; a string is the problem. */
function parseDays(text: string): number[] | string {
  if (text.toLowerCase() === 'daily') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of text.split(',')) {
    const [from, to, extra] = part.split('-');
    const a = dayIndex(from ?? '');
    const b = to === undefined ? a : dayIndex(to);
    if (a === undefined || b === undefined || extra !== undefined)
      return `has days "${text}" that are not day names (Mon, Tue, Wed, Thu, Fri, Sat, Sun), ranges such as Mon-Fri, commas between them, or daily`;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days].sort((x, y) => x - y);
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** The schedule as people write it: `always`, or `Mon-Fri 07:00-20:00 Europe/London`. */
export function describeAwake(s: AwakeSchedule): string {
  if (s.kind === 'always') return 'always';
  return `${describeDays(s.days)} ${clock(s.start)}-${clock(s.end)} ${s.timezone}`;
}

function describeDays(days: number[]): string {
  if (days.length === 7) return 'daily';
  // Runs of consecutive days (Monday-first, so Sat-Sun stays one run) joined by commas.
  const mondayFirst = [...days].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  const runs: number[][] = [];
  for (const d of mondayFirst) {
    const run = runs.at(-1);
    if (run && (run.at(-1)! + 1) % 7 === d && d !== 1) run.push(d);
    else runs.push([d]);
  }
  return runs
    .map((r) => (r.length === 1 ? DAY_TITLE[r[0]!] : `${DAY_TITLE[r[0]!]}-${DAY_TITLE[r.at(-1)!]}`))
    .join(',');
}

/** Hours awake in a week. */
export function awakeHoursPerWeek(s: AwakeSchedule): number {
  return s.kind === 'always' ? 168 : (s.days.length * (s.end - s.start)) / 60;
}

/** One Application Auto Scaling scheduled action on the site's scalable target. */
export interface ScheduledActionSpec {
  name: string;
  /** `cron(minutes hours day-of-month month day-of-week year)`, in `timezone`. */
  schedule: string;
  timezone: string;
  minCapacity: number;
  maxCapacity: number;
}

export const wakeActionName = (link: string) => `mdl-${link}-wake`;
export const sleepActionName = (link: string) => `mdl-${link}-sleep`;
/** A wake by hand's own end (a one-time action, and with a sleep page a schedule of the same name). */
export const wakeEndsActionName = (link: string) => `mdl-${link}-wake-ends`;

/** The two recurring actions of a window (none for `always`): wake to the site's capacity, sleep to 0. */
export function scheduledActionsFor(
  link: string,
  s: AwakeSchedule,
  capacity: { min: number; max: number },
): ScheduledActionSpec[] {
  if (s.kind === 'always') return [];
  const days = s.days.map((d) => DAYS[d]).join(',');
  const at = (minutes: number) => `cron(${minutes % 60} ${Math.floor(minutes / 60)} ? * ${days} *)`;
  return [
    {
      name: wakeActionName(link),
      schedule: at(s.start),
      timezone: s.timezone,
      minCapacity: capacity.min,
      maxCapacity: capacity.max,
    },
    {
      name: sleepActionName(link),
      schedule: at(s.end),
      timezone: s.timezone,
      minCapacity: 0,
      maxCapacity: 0,
    },
  ];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The weekday (0 = Sunday) and minutes after midnight at `at` in `timezone`. */
export function localTime(at: Date, timezone: string): { day: number; minutes: number } {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    day: DAY_TITLE.indexOf(part('weekday') as (typeof DAY_TITLE)[number]),
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

export interface AwakeState {
  awake: boolean;
  /** When the state changes next, in the schedule's own words (`Mon 07:00 Europe/London`); none for `always`. */
  until?: string;
}

/** Whether the schedule has the site awake at `at`, and until when. */
export function awakeAt(s: AwakeSchedule, at: Date): AwakeState {
  if (s.kind === 'always') return { awake: true };
  const now = localTime(at, s.timezone);
  const today = s.days.includes(now.day);
  if (today && now.minutes >= s.start && now.minutes < s.end)
    return { awake: true, until: `${clock(s.end)} ${s.timezone}` };
  // Asleep: the next opening is later today, or on the next day of the window.
  if (today && now.minutes < s.start) return { awake: false, until: `${clock(s.start)} ${s.timezone}` };
  for (let ahead = 1; ahead <= 7; ahead++) {
    const day = (now.day + ahead) % 7;
    if (s.days.includes(day))
      return { awake: false, until: `${DAY_TITLE[day]} ${clock(s.start)} ${s.timezone}` };
  }
  return { awake: false };
}

const MINUTE = 60_000;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The first minute after `at` at which the schedule turns the site the other way (awake ↔ asleep),
 * as an instant; none for `always`. Every awake and asleep stretch lasts a whole multiple of `step`
 * minutes (a divisor of the window's times and of an hour, so summer time keeps it so): sampling
 * every `step` minutes cannot jump over one, and the change is then found minute by minute.
 */
export function nextChange(s: AwakeSchedule, at: Date): Date | undefined {
  if (s.kind === 'always') return undefined;
  const step = gcd(gcd(s.start, s.end), 60) * MINUTE;
  const start = Math.ceil((at.getTime() + 1) / MINUTE) * MINUTE;
  const now = awakeAt(s, at).awake;
  const flipped = (t: number) => awakeAt(s, new Date(t)).awake !== now;
  for (let t = start; t <= start + 8 * 24 * 60 * MINUTE; t += step) {
    if (!flipped(t)) continue;
    for (let m = Math.max(start, t - step + MINUTE); m <= t; m += MINUTE) if (flipped(m)) return new Date(m);
  }
  return undefined;
}

/** `asleep until …` when the schedule has the site asleep at `at`; undefined when it is awake. */
export function asleepReason(awake: AwakeSchedule, at: Date): string | undefined {
  const state = awakeAt(awake, at);
  return state.awake ? undefined : `asleep until ${state.until} (awake ${describeAwake(awake)})`;
}

/** A time zone Intl (and so Application Auto Scaling's IANA names) knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}
