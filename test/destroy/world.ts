// Destroys in the deploy test world (test/deploy/world.ts): the same fake, MariaDB and one-off tasks
// run here, so a site deployed by `world.deploy` can be destroyed and its remains inspected.
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  checkPlatformText,
  checkSiteText,
  createAwsClients,
  destroyAwsClients,
  destroySite,
  memoryLogger,
  oneOffTaskRunner,
  planSite,
  resolveSite,
  type DestroyResult,
  type SitePlan,
} from '@moodle-preview/core';
import type { World } from '../deploy/world.js';
import { TEST_TASK_LOGS } from '../harness/task-logs.js';

export interface DestroyCall {
  purge?: boolean;
  /** How long a stopped one-off task's log is waited for (TEST_TASK_LOGS: 200 ms). */
  logGraceMs?: number;
  confirm?: string;
  dryRun?: boolean;
  wait?: boolean;
  db?: 'task' | 'direct';
  /** The site's settings text, when the destroy is given them. */
  settings?: string;
  platformText?: string;
}

function planOf(settings: string, platformText: string): SitePlan {
  const site = checkSiteText('settings.yml', settings);
  const platform = checkPlatformText('platform.yml', platformText);
  if (!site.value || !platform.value)
    throw new Error(JSON.stringify([...site.problems, ...platform.problems]));
  const resolved = resolveSite(site.value, platform.value, site.source);
  if (!resolved.site) throw new Error(JSON.stringify(resolved.problems));
  return planSite(resolved.site, platform.value);
}

/** Destroy `link` with the world's platform; throws what the destroy throws. */
export async function destroy(
  world: World,
  link: string,
  call: DestroyCall = {},
): Promise<DestroyResult & { log: string[] }> {
  const platformText = call.platformText ?? world.platformText;
  const platform = checkPlatformText('platform.yml', platformText).value!;
  const log = memoryLogger();
  const clients = createAwsClients({
    region: platform.region,
    retryStrategy: new ConfiguredRetryStrategy(8, (attempt) => 2 * attempt),
  });
  const waiter = { minDelay: 0.001, maxDelay: 0.004 };
  try {
    const result = await destroySite({
      clients,
      platform,
      previewLink: link,
      ...(call.settings ? { plan: planOf(call.settings, platformText) } : {}),
      log,
      purgeData: call.purge ?? false,
      ...(call.confirm !== undefined ? { confirm: call.confirm } : {}),
      dryRun: call.dryRun ?? false,
      wait: call.wait ?? true,
      waitMinutes: 1,
      dbAccess: call.db ?? 'task',
      tasks: oneOffTaskRunner(clients, {
        waiter,
        ...TEST_TASK_LOGS,
        ...(call.logGraceMs !== undefined ? { logGraceMs: call.logGraceMs } : {}),
      }),
      actor: 'test',
      waiter,
    });
    return { ...result, log: log.lines };
  } finally {
    destroyAwsClients(clients);
  }
}

/** Everything of `link` the fake still holds (task definitions, services, rules, groups, secrets …). */
export function remainsOf(world: World, link: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const mine = (name: string) =>
    name.includes(`-${link}:`) ||
    name.endsWith(`/mdl-${link}`) ||
    name === `mdl-${link}` ||
    name.includes(`${link}.preview-moodle`) ||
    name.includes(`/${link}/`) ||
    name.endsWith(`/${link}`) ||
    name.includes(`mdl-${link}:`) ||
    name.includes(`mdl-${link}-cpu`) ||
    name.includes(`/mdl-${link}-`); // its sleep page schedules (group/name)
  for (const [kind, names] of Object.entries(world.fake.inventory())) {
    const found = names.filter(mine);
    if (found.length) out[kind] = found;
  }
  return out;
}
