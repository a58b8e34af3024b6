// The sleep page's schedules (EventBridge Scheduler, in the suite's own group): at the schedule's
// sleep one switches the site's listener rule to the page, at its wake another switches it back to
// the target group. The group is created on first use, tagged as the suite's; a group of that name
// that is not the suite's is refused before any change. Schedules carry no tags (only groups do): they
// are the suite's by their group and their name. Destroy removes them first of all, so nothing
// switches the rule while the site is taken down.
import {
  ConflictException,
  CreateScheduleGroupCommand,
  GetScheduleGroupCommand,
  ListTagsForResourceCommand,
  ResourceNotFoundException,
  type GetScheduleOutput,
} from '@aws-sdk/client-scheduler';
import { deleteSchedule, getSchedule, putSchedule } from '../aws/schedules.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import type { DestroyEnv, Removal, RemovalOutcome } from '../destroy/types.js';
import { ConfigurationError } from '../errors.js';
import { sleepActionName, wakeActionName } from '../fleet/awake-schedule.js';
import {
  forwardActions,
  modifyRuleInput,
  MODIFY_RULE_TARGET,
  pageActions,
  siteScheduleNames,
  type SleepPageScheduleSpec,
} from '../fleet/sleep-page.js';
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';
import type { SiteResource } from './types.js';
import { planSleepPage } from './sleep-page.plan.js';

/** The group's ARN, or undefined when there is none; throws when a group of that name is not ours. */
async function readGroup(env: DeployEnv, group: string): Promise<string | undefined> {
  let arn: string | undefined;
  try {
    arn = (await env.clients.scheduler.send(new GetScheduleGroupCommand({ Name: group }))).Arn;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
  const tags = (await env.clients.scheduler.send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;
  const owner = tags?.find((t) => t.Key === TAG_MANAGED_BY)?.Value;
  if (owner !== SUITE_NAME)
    throw new ConfigurationError(
      `the EventBridge Scheduler group ${group} exists and is not tagged ${TAG_MANAGED_BY}=${SUITE_NAME}: ` +
        'the suite keeps its sleep-page schedules only in a group of its own; set schedule.sleep_page.schedule_group in the platform file to another name',
    );
  return arn;
}

/** The site's wake and sleep schedules that exist in the group, by name. */
async function readSchedules(env: DeployEnv, group: string): Promise<Map<string, GetScheduleOutput>> {
  const existing = new Map<string, GetScheduleOutput>();
  const ours = [wakeActionName(env.plan.site), sleepActionName(env.plan.site)];
  for (const [name, s] of await Promise.all(
    ours.map(async (n) => [n, await getSchedule(env.clients.scheduler, group, n)] as const),
  ))
    if (s) existing.set(name, s);
  return existing;
}

/** What the schedule's ModifyRule call sends: the page at sleep, the target group at wake. */
function inputFor(env: DeployEnv, want: SleepPageScheduleSpec, ruleArn: string, tgArn: string): string {
  const page = env.plan.resources.listenerRule.spec.sleepPage;
  return modifyRuleInput(ruleArn, want.shows === 'page' && page ? pageActions(page) : forwardActions(tgArn));
}

interface Converge {
  group: string;
  roleArn: string;
  groupArn: string | undefined;
  existing: ReadonlyMap<string, GetScheduleOutput>;
  puts: SleepPageScheduleSpec[];
  deletes: string[];
}

/** Creates the group when it is missing, puts what differs, deletes what the hours no longer have. */
async function applySchedules(env: DeployEnv, c: Converge): Promise<string> {
  const scheduler = env.clients.scheduler;
  const { groupTags, schedules } = env.plan.resources.sleepPage.spec;
  if (!c.groupArn && schedules.length) {
    try {
      await scheduler.send(
        new CreateScheduleGroupCommand({
          Name: c.group,
          Tags: Object.entries(groupTags).map(([Key, Value]) => ({ Key, Value })),
        }),
      );
    } catch (err) {
      // Another site's deploy created it meanwhile: check it is the suite's, as a read would have.
      if (!(err instanceof ConflictException)) throw err;
      await readGroup(env, c.group);
    }
  }
  const ruleArn = env.refs.get('listenerRule');
  const tgArn = env.refs.get('targetGroup');
  if (c.puts.length && (!ruleArn || !tgArn))
    throw new Error('the sleep page needs the listener rule and target group');
  for (const want of c.puts) {
    const request = {
      Name: want.name,
      GroupName: c.group,
      ScheduleExpression: want.expression,
      ScheduleExpressionTimezone: want.timezone,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      State: 'ENABLED' as const,
      Description: `Shows ${want.shows === 'page' ? 'the sleep page' : 'the site'} of ${env.plan.site} (moodle-preview-actions)`,
      Target: { Arn: MODIFY_RULE_TARGET, RoleArn: c.roleArn, Input: inputFor(env, want, ruleArn!, tgArn!) },
    };
    await putSchedule(scheduler, request, c.existing.has(want.name));
  }
  for (const name of c.deletes) await deleteSchedule(scheduler, c.group, name);
  return c.groupArn ?? c.group;
}

async function inspect(
  env: DeployEnv,
  listenerRule: Promise<Inspection>,
  targetGroup: Promise<Inspection>,
): Promise<Inspection> {
  const planned = env.plan.resources.sleepPage;
  const { group, roleArn, schedules } = planned.spec;
  const base = { id: 'sleepPage' as const, name: planned.name };
  if (!group || !roleArn) return { ...base, action: 'none', changes: [] };
  const groupArn = await readGroup(env, group);
  const existing = groupArn ? await readSchedules(env, group) : new Map<string, GetScheduleOutput>();
  const [rule, tg] = await Promise.all([listenerRule, targetGroup]);
  const differs = (want: SleepPageScheduleSpec) => {
    const current = existing.get(want.name);
    if (!current || !rule.arn || !tg.arn) return true;
    return (
      current.ScheduleExpression !== want.expression ||
      current.ScheduleExpressionTimezone !== want.timezone ||
      current.State !== 'ENABLED' ||
      current.Target?.Arn !== MODIFY_RULE_TARGET ||
      current.Target.RoleArn !== roleArn ||
      current.Target.Input !== inputFor(env, want, rule.arn, tg.arn)
    );
  };
  const puts = schedules.filter(differs);
  const deletes = [...existing.keys()].filter((name) => !schedules.some((s) => s.name === name));
  const changes = [
    ...(groupArn || !schedules.length ? [] : [`create the schedule group ${group}`]),
    ...puts.map(
      (s) =>
        `${s.name}: ${s.expression} ${s.timezone} → ${s.shows === 'page' ? 'the sleep page' : 'the site'}${existing.has(s.name) ? ' (changed)' : ''}`,
    ),
    ...deletes.map((name) => `${name}: removed (awake ${env.plan.resources.scheduledActions.spec.awake})`),
  ];
  if (!changes.length) return { ...base, action: 'none', changes, arn: groupArn };
  return {
    ...base,
    action: existing.size ? 'update' : 'create',
    changes,
    ...(groupArn ? { arn: groupArn } : {}),
    apply: () => applySchedules(env, { group, roleArn, groupArn, existing, puts, deletes }),
  };
}

/** A row for each of the site's schedules that exists (one that never existed is not worth a line). */
async function removals(env: DestroyEnv): Promise<Removal[]> {
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

export const sleepPage = {
  id: 'sleepPage',
  kind: 'sleep page schedules',
  plan: planSleepPage,
  inspect,
  removals,
  // Schedules carry no tags; the group is the suite's, not one site's.
} satisfies SiteResource<'sleepPage', [listenerRule: Promise<Inspection>, targetGroup: Promise<Inspection>]>;
