// What Application Auto Scaling's scheduled actions and EventBridge Scheduler's schedules both accept:
// the same `at(…)`, `rate(…)` and six-field `cron(…)` expressions, and IANA time zones (their API
// references: PutScheduledAction's Schedule and Timezone, CreateSchedule's ScheduleExpression and
// ScheduleExpressionTimezone).

/** `at(yyyy-mm-ddThh:mm:ss)`, `rate(n minutes|hours|days)` or `cron(` six fields `)`. */
export function validScheduleExpression(schedule: string): boolean {
  if (/^at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)$/.test(schedule)) return true;
  if (/^rate\([1-9]\d* (minute|minutes|hour|hours|day|days)\)$/.test(schedule)) return true;
  const cron = /^cron\((.*)\)$/.exec(schedule);
  return cron !== null && cron[1]!.trim().split(/\s+/).length === 6;
}

/** A time zone name the platform's ICU knows (as AWS takes IANA names). */
export function validTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name.length > 0;
  } catch {
    return false;
  }
}
