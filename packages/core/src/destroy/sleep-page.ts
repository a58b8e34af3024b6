// The site's sleep page schedules, removed first of all: nothing switches the listener rule while the
// site is taken down. Schedules carry no tags; the suite's are the ones of the site's names in the
// platform's own schedule group (the only ones its policies let it touch).
import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-scheduler';
import { siteScheduleNames } from '../fleet/sleep-page.js';
import type { DestroyEnv, Removal, RemovalOutcome } from './types.js';

const notFound = (err: unknown) => err instanceof ResourceNotFoundException;

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
      try {
        await scheduler.send(new GetScheduleCommand({ GroupName: group, Name: name }));
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
      return {
        ...row,
        plan: 'remove',
        apply: async (): Promise<RemovalOutcome> => {
          try {
            await scheduler.send(new DeleteScheduleCommand({ GroupName: group, Name: name }));
            return 'removed';
          } catch (err) {
            if (notFound(err)) return 'already gone';
            throw err;
          }
        },
      };
    }),
  );
  return rows.filter((r): r is Removal => r !== undefined);
}
