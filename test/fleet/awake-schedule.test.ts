// The sleep schedule and the cost estimate, pure: what `awake` accepts and refuses, the scheduled
// actions Application Auto Scaling gets, whether a site is awake at a moment (across summer time),
// and the monthly Fargate estimate.
import { describe, expect, it } from '@jest/globals';
import {
  awakeAt,
  awakeHoursPerWeek,
  describeAwake,
  estimateMonthlyCost,
  isTimeZone,
  nextChange,
  parseAwake,
  scheduledActionsFor,
} from '@moodle-preview/core';

const LONDON = 'Europe/London';
const window = (text: string) => {
  const r = parseAwake(text, LONDON);
  if (r.schedule?.kind !== 'window') throw new Error(r.problem ?? 'not a window');
  return r.schedule;
};

describe('awake', () => {
  it('reads always, day ranges, lists, wrapping ranges and daily', () => {
    expect(parseAwake('always', LONDON)).toEqual({ schedule: { kind: 'always' } });
    expect(parseAwake(' Always ', LONDON)).toEqual({ schedule: { kind: 'always' } });
    expect(window('Mon-Fri 07:00-20:00')).toEqual({
      kind: 'window',
      days: [1, 2, 3, 4, 5],
      start: 420,
      end: 1200,
      timezone: LONDON,
    });
    expect(window('mon,wed,FRI 8:30-17:45')).toMatchObject({ days: [1, 3, 5], start: 510, end: 1065 });
    expect(window('Fri-Mon 09:00-10:00').days).toEqual([0, 1, 5, 6]);
    expect(window('Sat-Sun 00:00-23:59')).toMatchObject({ days: [0, 6], start: 0, end: 1439 });
    expect(window('Mon-Wed,Fri 07:00-19:00').days).toEqual([1, 2, 3, 5]);
    expect(window('daily 06:00-22:00').days).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('refuses what it cannot schedule, saying what to write', () => {
    const problem = (text: string) => parseAwake(text, LONDON).problem;
    expect(problem('weekdays')).toMatch(/must be "always", or days and hours such as "Mon-Fri 07:00-20:00"/);
    expect(problem('Mon-Fri')).toMatch(/must be "always", or days/);
    expect(problem('Mon-Fry 07:00-20:00')).toMatch(/days "Mon-Fry" that are not day names/);
    expect(problem('Monday-Friday 07:00-20:00')).toMatch(/not day names/);
    expect(problem('Mon-Tue-Wed 07:00-20:00')).toMatch(/not day names/);
    expect(problem('Mon, 07:00-20:00')).toMatch(/not day names/);
    expect(problem('Mon-Fri 24:00-20:00')).toMatch(/not a 24-hour time from 00:00 to 23:59/);
    expect(problem('Mon-Fri 07:60-20:00')).toMatch(/not a 24-hour time/);
    expect(problem('Mon-Fri 20:00-07:00')).toMatch(
      /wake before it sleeps on the same day \(20:00 is not before 07:00\); a window over midnight/,
    );
    expect(problem('Mon-Fri 07:00-07:00')).toMatch(/07:00 is not before 07:00/);
    expect(problem('Mon-Fri 07:00-07:01')).toBeUndefined();
  });

  it('says itself back in one form', () => {
    expect(describeAwake({ kind: 'always' })).toBe('always');
    expect(describeAwake(window('mon-fri 7:00-20:00'))).toBe('Mon-Fri 07:00-20:00 Europe/London');
    expect(describeAwake(window('Sun,Sat 09:05-10:00'))).toBe('Sat-Sun 09:05-10:00 Europe/London');
    expect(describeAwake(window('Mon,Wed-Thu,Sun 09:00-10:00'))).toBe(
      'Mon,Wed-Thu,Sun 09:00-10:00 Europe/London',
    );
    expect(describeAwake(window('daily 09:00-10:00'))).toBe('daily 09:00-10:00 Europe/London');
  });

  it('gives Application Auto Scaling a wake at the start and a sleep to 0 at the end, in its time zone', () => {
    expect(scheduledActionsFor('4-demo', { kind: 'always' }, { min: 1, max: 4 })).toEqual([]);
    expect(scheduledActionsFor('4-demo', window('Mon-Fri 07:30-20:05'), { min: 2, max: 4 })).toEqual([
      {
        name: 'mdl-4-demo-wake',
        schedule: 'cron(30 7 ? * MON,TUE,WED,THU,FRI *)',
        timezone: LONDON,
        minCapacity: 2,
        maxCapacity: 4,
      },
      {
        name: 'mdl-4-demo-sleep',
        schedule: 'cron(5 20 ? * MON,TUE,WED,THU,FRI *)',
        timezone: LONDON,
        minCapacity: 0,
        maxCapacity: 0,
      },
    ]);
  });

  it('counts the hours awake in a week', () => {
    expect(awakeHoursPerWeek({ kind: 'always' })).toBe(168);
    expect(awakeHoursPerWeek(window('Mon-Fri 07:00-20:00'))).toBe(65);
    expect(awakeHoursPerWeek(window('Sat 09:00-09:30'))).toBe(0.5);
  });

  it("tells whether a site is awake at a moment, in the schedule's time zone across summer time", () => {
    const s = window('Mon-Fri 07:00-20:00');
    // Monday 06:30 UTC is 07:30 in London in July (BST) and 06:30 in December (GMT).
    expect(awakeAt(s, new Date('2026-07-06T06:30:00Z'))).toEqual({
      awake: true,
      until: '20:00 Europe/London',
    });
    expect(awakeAt(s, new Date('2026-12-07T06:30:00Z'))).toEqual({
      awake: false,
      until: '07:00 Europe/London',
    });
    // The end is exclusive: asleep from 20:00 on, until the next working day.
    expect(awakeAt(s, new Date('2026-12-04T19:59:00Z')).awake).toBe(true);
    expect(awakeAt(s, new Date('2026-12-04T20:00:00Z'))).toEqual({
      awake: false,
      until: 'Mon 07:00 Europe/London',
    });
    expect(awakeAt(s, new Date('2026-12-05T12:00:00Z'))).toEqual({
      awake: false,
      until: 'Mon 07:00 Europe/London',
    });
    // A weekday evening sleeps until the next morning.
    expect(awakeAt(s, new Date('2026-12-08T21:00:00Z')).until).toBe('Wed 07:00 Europe/London');
    expect(awakeAt({ kind: 'always' }, new Date())).toEqual({ awake: true });
    // Another zone is read as that zone: 07:30 UTC on a Monday is 08:30 in Berlin (CET).
    const berlin = parseAwake('Mon 08:00-09:00', 'Europe/Berlin').schedule!;
    expect(awakeAt(berlin, new Date('2026-12-07T07:30:00Z')).awake).toBe(true);
    expect(awakeAt(berlin, new Date('2026-12-07T06:30:00Z')).awake).toBe(false);
  });

  it('knows the IANA time zones', () => {
    expect(isTimeZone('Europe/London')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Londn')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('the monthly Fargate estimate', () => {
  const prices = { vcpuHour: 0.04656, gbHour: 0.00511, currency: 'USD' };

  it("is the minimum tasks' vCPU-hours and GB-hours over the awake hours, at the platform's prices", () => {
    const always = estimateMonthlyCost(
      { cpu: 512, memory: 1024, minTasks: 1, awake: { kind: 'always' } },
      prices,
    );
    // 168 h a week × 4.348 weeks = 730.5 h; 0.5 vCPU and 1 GB for each.
    expect(always).toEqual({
      awakeHours: 730.5,
      tasks: 1,
      vcpuHours: 365.3,
      gbHours: 730.5,
      monthly: 20.74,
      currency: 'USD',
    });
    const office = estimateMonthlyCost(
      { cpu: 512, memory: 1024, minTasks: 1, awake: window('Mon-Fri 07:00-20:00') },
      prices,
    );
    expect(office.awakeHours).toBe(282.6);
    expect(office.monthly).toBe(8.02);
    const bigger = estimateMonthlyCost(
      { cpu: 2048, memory: 4096, minTasks: 2, awake: { kind: 'always' } },
      prices,
    );
    expect(bigger.vcpuHours).toBe(2922);
    expect(bigger.gbHours).toBe(5844);
    expect(bigger.monthly).toBe(165.91);
    expect(
      estimateMonthlyCost({ cpu: 512, memory: 1024, minTasks: 0, awake: { kind: 'always' } }, prices).monthly,
    ).toBe(0);
  });
});

describe('the next change of a schedule', () => {
  const office = () => {
    const r = parseAwake('Mon-Fri 07:00-20:00', LONDON);
    return r.schedule!;
  };
  const next = (s: ReturnType<typeof office>, at: string) => nextChange(s, new Date(at))?.toISOString();

  it('is the next sleep while awake and the next wake while asleep, as an instant, across summer time', () => {
    expect(next(office(), '2026-12-04T19:59:00Z')).toBe('2026-12-04T20:00:00.000Z');
    expect(next(office(), '2026-12-04T20:00:00Z')).toBe('2026-12-07T07:00:00.000Z');
    expect(next(office(), '2026-12-05T12:00:00Z')).toBe('2026-12-07T07:00:00.000Z');
    // July: 07:00 in London is 06:00 UTC.
    expect(next(office(), '2026-07-06T05:00:00Z')).toBe('2026-07-06T06:00:00.000Z');
    // Between two minutes: the next whole minute that changes.
    expect(next(office(), '2026-12-07T06:59:30Z')).toBe('2026-12-07T07:00:00.000Z');
    expect(nextChange({ kind: 'always' }, new Date())).toBeUndefined();
  });

  it('finds a one-minute window and a zone half an hour off UTC', () => {
    const minute = parseAwake('Mon 09:00-09:01', LONDON).schedule!;
    expect(next(minute, '2026-12-07T08:00:00Z')).toBe('2026-12-07T09:00:00.000Z');
    expect(next(minute, '2026-12-07T09:00:00Z')).toBe('2026-12-07T09:01:00.000Z');
    const kolkata = parseAwake('Mon-Fri 09:00-17:00', 'Asia/Kolkata').schedule!;
    expect(next(kolkata, '2026-12-07T00:00:00Z')).toBe('2026-12-07T03:30:00.000Z');
    const odd = parseAwake('Mon-Fri 07:10-19:25', LONDON).schedule!;
    expect(next(odd, '2026-12-07T19:00:00Z')).toBe('2026-12-07T19:25:00.000Z');
  });
});
