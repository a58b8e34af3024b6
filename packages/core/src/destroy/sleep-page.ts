// The site's sleep page schedules, removed first of all: nothing switches the listener rule while the
// site is taken down. Schedules carry no tags; the suite's are the ones of the site's names in the
// platform's own schedule group (the only ones its policies let it touch).
import { deleteSchedule, getSchedule } from '../aws/schedules.js';
import { siteScheduleNames } from '../fleet/sleep-page.js';
import type { DestroyEnv, Removal, RemovalOutcome } from './types.js';

/** A row for each of the site's schedules that exists (one that never existed is not worth a line). */
export async function readSleepPage(env: DestroyEnv): Promise<Removal[]> {
  const group = env.platform.schedule.sleep_page?.schedule_group;
  if (!group) return [];
  const scheduler = env.clients.scheduler;
  const rows = await Promise.all(
    siteScheduleNames(env.target.link).map(async (name): Promise<Removal | undefined> => {
      const row = {
        resource: 'schedule',
        name: `${group}/${name}`,
        data: false,
        step: 'sleep page' as const,
      };
      if (!(await getSchedule(scheduler, group, name))) return undefined;
      return {
        ...row,
        plan: 'remove',
        apply: async (): Promise<RemovalOutcome> =>
          (await deleteSchedule(scheduler, group, name)) ? 'removed' : 'already gone',
      };
    }),
  );
  return rows.filter((r): r is Removal => r !== undefined);
}
