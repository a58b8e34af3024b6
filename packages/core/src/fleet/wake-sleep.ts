// `mdl-preview wake` and `sleep`: a site's task bounds changed now, by hand, on its own scalable
// target. A wake can end by itself: a one-time scheduled action (`mdl-<link>-wake-ends`, at(…) in
// UTC) puts the site back to sleep, so nothing of ours has to run then. The site's schedule goes on
// as before: its next wake or sleep action still fires. With a sleep page, the listener rule follows:
// wake and sleep run the site's own page schedules' ModifyRule now, and a wake's end gets a one-time
// schedule of the page as well.
import {
  DeleteScheduledActionCommand,
  DescribeScalableTargetsCommand,
  DescribeScheduledActionsCommand,
  ListTagsForResourceCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import {
  ModifyRuleCommand,
  type ElasticLoadBalancingV2Client,
  type ModifyRuleCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { GetScheduleOutput, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SUITE_NAME, TAG_MANAGED_BY } from '../naming.js';
import { SiteRegistry, type SiteRegistryEntry } from '../registry/site-registry.js';
import { deleteSchedule, getSchedule, putSchedule } from '../aws/schedules.js';
import {
  awakeAt,
  describeAwake,
  nextChange,
  sleepActionName,
  wakeActionName,
  wakeEndsActionName,
  type AwakeSchedule,
} from './awake-schedule.js';

export interface WakeSleepOptions {
  clients: {
    autoscaling: ApplicationAutoScalingClient;
    ssm: SSMClient;
    scheduler: SchedulerClient;
    elbv2: ElasticLoadBalancingV2Client;
  };
  previewLink: string;
  /** The platform's sleep page schedule group, when it has a sleep page. */
  sleepPageGroup?: string;
  actor: string;
  log: Logger;
  now?: () => Date;
}

export interface WakeSleepResult {
  /** The task bounds the site has now. */
  bounds: { min: number; max: number };
  /** When the site goes back to sleep (a wake) or wakes (a sleep) by itself; none: it stays so. */
  until?: Date;
  /** What happens next, in a sentence. */
  next: string;
}

const SCALING = { ServiceNamespace: 'ecs', ScalableDimension: 'ecs:service:DesiredCount' } as const;

/** `at(yyyy-mm-ddThh:mm:ss)` of an instant, for a scheduled action whose time zone is UTC. */
const atExpression = (t: Date) => `at(${t.toISOString().slice(0, 19)})`;

interface SiteScaling {
  entry: SiteRegistryEntry;
  resourceId: string;
  awake: AwakeSchedule;
  capacity: { min: number; max: number };
}

/** The site's entry and scalable target, checked to be the suite's before anything changes. */
async function siteScaling(o: WakeSleepOptions): Promise<SiteScaling> {
  const link = o.previewLink;
  const entry = await new SiteRegistry(o.clients.ssm).get(link);
  if (!entry) throw new ConfigurationError(`site ${link} is not in the site registry: deploy it first`);
  if (entry.destroyedAt)
    throw new ConfigurationError(`site ${link} was destroyed on ${entry.destroyedAt}: deploy it again first`);
  if (!entry.capacity || !entry.awake)
    throw new ConfigurationError(
      `site ${link}'s registry entry records no schedule or task bounds (deployed before sleep schedules): redeploy it first`,
    );
  const resourceId = `service/${entry.cluster}/${entry.service}`;
  const out = await o.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ...SCALING, ResourceIds: [resourceId] }),
  );
  const target = out.ScalableTargets?.[0];
  if (!target?.ScalableTargetARN)
    throw new ConfigurationError(`site ${link} has no scalable target ${resourceId}: redeploy it first`);
  const tags = await o.clients.autoscaling.send(
    new ListTagsForResourceCommand({ ResourceARN: target.ScalableTargetARN }),
  );
  if (tags.Tags?.[TAG_MANAGED_BY] !== SUITE_NAME)
    throw new ConfigurationError(
      `the scalable target ${resourceId} does not carry ${TAG_MANAGED_BY}=${SUITE_NAME}: it is not the suite's to scale (adopt the site first)`,
    );
  return { entry, resourceId, awake: entry.awake, capacity: entry.capacity };
}

async function setBounds(o: WakeSleepOptions, resourceId: string, min: number, max: number): Promise<void> {
  await o.clients.autoscaling.send(
    new RegisterScalableTargetCommand({
      ...SCALING,
      ResourceId: resourceId,
      MinCapacity: min,
      MaxCapacity: max,
    }),
  );
}

/** Removes the end of an earlier wake, if there is one. */
async function dropWakeEnd(o: WakeSleepOptions, resourceId: string): Promise<void> {
  // The page's own end of that wake: a schedule of the same name in the sleep page's group.
  if (o.sleepPageGroup)
    await deleteSchedule(o.clients.scheduler, o.sleepPageGroup, wakeEndsActionName(o.previewLink));
  const name = wakeEndsActionName(o.previewLink);
  const out = await o.clients.autoscaling.send(
    new DescribeScheduledActionsCommand({
      ...SCALING,
      ResourceId: resourceId,
      ScheduledActionNames: [name],
    }),
  );
  if (!out.ScheduledActions?.length) return;
  await o.clients.autoscaling.send(
    new DeleteScheduledActionCommand({ ...SCALING, ResourceId: resourceId, ScheduledActionName: name }),
  );
}

const when = (t: Date, s: AwakeSchedule) =>
  `${t.toISOString().replace('T', ' ').slice(0, 16)} UTC${s.kind === 'window' ? ` (${describeAwake(s)})` : ''}`;

/** How long a wake lasts when the schedule has the site asleep and no `forMs` is given. */
export const DEFAULT_WAKE_MS = 2 * 3_600_000;

/**
 * Wake the site now, to its own task bounds. It goes back to sleep by itself after `forMs` (by
 * default 2 h when its schedule has it asleep now), unless its schedule has it awake at that time
 * anyway: then the schedule's own sleep ends the wake. A site awake always stays awake without one.
 */
export async function wakeSite(o: WakeSleepOptions & { forMs?: number }): Promise<WakeSleepResult> {
  if (o.forMs !== undefined && !(o.forMs >= 60_000))
    throw new ConfigurationError('--for must be a minute or more, e.g. 30m, 2h or 1d');
  const now = (o.now ?? (() => new Date()))();
  const site = await siteScaling(o);
  const { min, max } = site.capacity;
  const scheduledAsleep = site.awake.kind === 'window' && !awakeAt(site.awake, now).awake;
  const forMs = o.forMs ?? (scheduledAsleep ? DEFAULT_WAKE_MS : undefined);
  const end = forMs !== undefined ? new Date(now.getTime() + forMs) : undefined;
  await setBounds(o, site.resourceId, min, max);
  const page = await pageSchedules(o);
  await runNow(o, page.wake);
  if (end && (site.awake.kind === 'always' || !awakeAt(site.awake, end).awake)) {
    await o.clients.autoscaling.send(
      new PutScheduledActionCommand({
        ...SCALING,
        ResourceId: site.resourceId,
        ScheduledActionName: wakeEndsActionName(o.previewLink),
        Schedule: atExpression(end),
        Timezone: 'UTC',
        ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
      }),
    );
    await putPageAt(o, page.sleep, end);
    const next = `goes back to sleep at ${when(end, site.awake)}`;
    o.log.info(`${o.previewLink}: awake with ${min} to ${max} tasks; ${next}`);
    return { bounds: { min, max }, until: end, next };
  }
  // No end of its own: awake always, or the schedule has it awake at the end and its sleep ends it.
  await dropWakeEnd(o, site.resourceId);
  const sleep = site.awake.kind === 'window' ? nextSleep(site.awake, end ?? now) : undefined;
  const next = sleep
    ? `stays awake until its schedule's sleep at ${when(sleep, site.awake)}`
    : 'stays awake (awake always)';
  o.log.info(`${o.previewLink}: awake with ${min} to ${max} tasks; ${next}`);
  return { bounds: { min, max }, ...(sleep ? { until: sleep } : {}), next };
}

/**
 * Put the site to sleep now (0 tasks). Its schedule's next wake wakes it; a site awake always stays
 * asleep until `wake` (or a redeploy, which brings its bounds back).
 */
export async function sleepSite(o: WakeSleepOptions): Promise<WakeSleepResult> {
  const now = (o.now ?? (() => new Date()))();
  const site = await siteScaling(o);
  await setBounds(o, site.resourceId, 0, 0);
  await runNow(o, (await pageSchedules(o)).sleep);
  await dropWakeEnd(o, site.resourceId);
  const wake = site.awake.kind === 'window' ? nextWake(site.awake, now) : undefined;
  const next = wake
    ? `wakes at its schedule's wake, ${when(wake, site.awake)}`
    : 'stays asleep until mdl-preview wake (or a redeploy)';
  o.log.info(`${o.previewLink}: asleep (0 tasks); ${next}`);
  return { bounds: { min: 0, max: 0 }, ...(wake ? { until: wake } : {}), next };
}

/** The schedule's next wake (or sleep) after `at`: the next change, or the one after it. */
function nextTurn(s: AwakeSchedule, at: Date, to: 'awake' | 'asleep'): Date | undefined {
  const first = nextChange(s, at);
  if (!first || awakeAt(s, at).awake !== (to === 'awake')) return first;
  return nextChange(s, first);
}
const nextWake = (s: AwakeSchedule, at: Date) => nextTurn(s, at, 'awake');
const nextSleep = (s: AwakeSchedule, at: Date) => nextTurn(s, at, 'asleep');

interface PageSchedules {
  /** The schedule that shows the site (its input: the rule forwarding to the target group). */
  wake?: GetScheduleOutput;
  /** The schedule that shows the page. */
  sleep?: GetScheduleOutput;
}

/** The site's own page schedules, which deploy keeps: they hold the rule and both of its actions. */
async function pageSchedules(o: WakeSleepOptions): Promise<PageSchedules> {
  const group = o.sleepPageGroup;
  if (!group) return {};
  const [wake, sleep] = await Promise.all([
    getSchedule(o.clients.scheduler, group, wakeActionName(o.previewLink)),
    getSchedule(o.clients.scheduler, group, sleepActionName(o.previewLink)),
  ]);
  return { ...(wake ? { wake } : {}), ...(sleep ? { sleep } : {}) };
}

/** Switch the listener rule now, as the schedule would at its time (none: no sleep page for the site). */
async function runNow(o: WakeSleepOptions, schedule: GetScheduleOutput | undefined): Promise<void> {
  const input = schedule?.Target?.Input;
  if (!input) return;
  await o.clients.elbv2.send(new ModifyRuleCommand(JSON.parse(input) as ModifyRuleCommandInput));
}

/** The page again at `end`: a one-time copy of the sleep schedule's target, deleted once it has run. */
async function putPageAt(
  o: WakeSleepOptions,
  sleep: GetScheduleOutput | undefined,
  end: Date,
): Promise<void> {
  if (!o.sleepPageGroup || !sleep?.Target) return;
  const request = {
    GroupName: o.sleepPageGroup,
    Name: wakeEndsActionName(o.previewLink),
    ScheduleExpression: atExpression(end),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    ActionAfterCompletion: 'DELETE' as const,
    Description: `Shows the sleep page of ${o.previewLink} when a wake by hand ends (moodle-preview-actions)`,
    Target: { Arn: sleep.Target.Arn, RoleArn: sleep.Target.RoleArn, Input: sleep.Target.Input },
  };
  // Found from an earlier wake: replaced.
  await putSchedule(o.clients.scheduler, request, false);
}
