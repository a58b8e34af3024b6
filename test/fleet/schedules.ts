// The schedule the fleet tests share, as the registry keeps it: Mon-Fri 07:00-20:00 Europe/London.
import type { AwakeSchedule } from '@moodle-preview/core';

export const OFFICE_HOURS: AwakeSchedule = {
  kind: 'window',
  days: [1, 2, 3, 4, 5],
  start: 420,
  end: 1200,
  timezone: 'Europe/London',
};
