// The site's target group and its host rule on one of the platform's HTTPS listeners. Rules are
// placed on a load balancer with room (an ALB holds a limited number of rules), at the site's
// stable preferred priority or the next free one; a concurrent deploy that takes the same priority
// first (PriorityInUse) makes us re-read and take the next.
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  PriorityInUseException,
  TargetGroupNotFoundException,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfigurationError } from '../../errors.js';
import { pageActions, type SleepPage } from '../../fleet/sleep-page.js';
import { tagRecord } from '../normalise.js';
import type { DeployEnv, Inspection } from '../types.js';
import { checkOwned } from './ownership.js';

const MAX_PRIORITY = 50_000;

const awsTags = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

async function tagsOf(env: DeployEnv, arn: string): Promise<Record<string, string>> {
  const out = await env.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
  return tagRecord(out.TagDescriptions?.[0]?.Tags);
}

export async function inspectTargetGroup(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.targetGroup.spec;
  const base = { id: 'targetGroup' as const, name: spec.name };
  let current: TargetGroup | undefined;
  try {
    const out = await env.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [spec.name] }));
    current = out.TargetGroups?.[0];
  } catch (err) {
    if (!(err instanceof TargetGroupNotFoundException)) throw err;
  }
  const healthCheck = {
    HealthCheckPath: spec.healthCheck.path,
    Matcher: { HttpCode: spec.healthCheck.matcher },
    HealthCheckIntervalSeconds: spec.healthCheck.intervalSeconds,
    HealthyThresholdCount: spec.healthCheck.healthyThresholdCount,
  };
  const delay = String(spec.deregistrationDelaySeconds);
  const setDelay = (arn: string) =>
    env.clients.elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: delay }],
      }),
    );
  if (!current) {
    return {
      ...base,
      action: 'create',
      changes: [`create ${spec.protocol}:${spec.port} target type ip`],
      apply: async () => {
        // CreateTargetGroup is idempotent for the same name and settings (ELBv2 API reference).
        const out = await env.clients.elbv2.send(
          new CreateTargetGroupCommand({
            Name: spec.name,
            Protocol: spec.protocol,
            Port: spec.port,
            VpcId: spec.vpcId,
            TargetType: spec.targetType,
            HealthCheckProtocol: spec.protocol,
            ...healthCheck,
            Tags: awsTags(spec.tags),
          }),
        );
        const arn = out.TargetGroups?.[0]?.TargetGroupArn;
        if (!arn) throw new Error(`CreateTargetGroup ${spec.name} returned no ARN`);
        await setDelay(arn);
        return arn;
      },
    };
  }
  const arn = current.TargetGroupArn!;
  checkOwned(env, {
    id: 'targetGroup',
    kind: 'target group',
    name: spec.name,
    arn,
    tags: await tagsOf(env, arn),
  });
  if (
    current.Protocol !== spec.protocol ||
    current.Port !== spec.port ||
    current.VpcId !== spec.vpcId ||
    current.TargetType !== spec.targetType
  ) {
    throw new ConfigurationError(
      `target group ${spec.name} is ${current.Protocol}:${current.Port} (${current.TargetType}) in ${current.VpcId}, the plan wants ` +
        `${spec.protocol}:${spec.port} (${spec.targetType}) in ${spec.vpcId}; these cannot be changed in place: destroy the site and deploy it again`,
    );
  }
  const changes: string[] = [];
  if (current.HealthCheckPath !== spec.healthCheck.path)
    changes.push(`health check path: ${current.HealthCheckPath} → ${spec.healthCheck.path}`);
  if (current.Matcher?.HttpCode !== spec.healthCheck.matcher)
    changes.push(`health check codes: ${current.Matcher?.HttpCode} → ${spec.healthCheck.matcher}`);
  if (current.HealthCheckIntervalSeconds !== spec.healthCheck.intervalSeconds) {
    changes.push(
      `health check interval: ${current.HealthCheckIntervalSeconds} → ${spec.healthCheck.intervalSeconds}`,
    );
  }
  if (current.HealthyThresholdCount !== spec.healthCheck.healthyThresholdCount) {
    changes.push(
      `healthy threshold: ${current.HealthyThresholdCount} → ${spec.healthCheck.healthyThresholdCount}`,
    );
  }
  const healthChanged = changes.length > 0;
  const attrs = await env.clients.elbv2.send(
    new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }),
  );
  const currentDelay = attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value;
  if (currentDelay !== delay)
    changes.push(`deregistration delay: ${currentDelay ?? '(default)'} → ${delay} s`);
  if (changes.length === 0) return { ...base, action: 'none', changes, arn };
  return {
    ...base,
    action: 'update',
    changes,
    arn,
    apply: async () => {
      if (healthChanged)
        await env.clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, ...healthCheck }));
      if (currentDelay !== delay) await setDelay(arn);
      return arn;
    },
  };
}

/** All rules of one listener, through DescribeRules' Marker paging. */
async function listenerRules(env: DeployEnv, listenerArn: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let marker: string | undefined;
  do {
    const out = await env.clients.elbv2.send(
      new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }),
    );
    rules.push(...(out.Rules ?? []));
    marker = out.NextMarker;
  } while (marker);
  return rules;
}

const hostsOf = (rule: Rule) =>
  (rule.Conditions ?? []).flatMap((c) =>
    c.Field === 'host-header' ? [...(c.HostHeaderConfig?.Values ?? []), ...(c.Values ?? [])] : [],
  );

/** Target groups a rule forwards to (AWS reports a single target both plainly and in ForwardConfig). */
const forwardTargets = (rule: Rule) =>
  [
    ...new Set(
      (rule.Actions ?? []).flatMap((a) =>
        a.Type === 'forward'
          ? [a.TargetGroupArn, ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn)]
          : [],
      ),
    ),
  ].filter((arn): arn is string => Boolean(arn));

/** The fixed response a rule answers with (a sleeping site's page), if that is what it does. */
const shownPage = (rule: Rule) =>
  rule.Actions?.length === 1 && rule.Actions[0]!.Type === 'fixed-response'
    ? rule.Actions[0]!.FixedResponseConfig
    : undefined;

const samePage = (shown: NonNullable<ReturnType<typeof shownPage>>, page: SleepPage) =>
  shown.StatusCode === page.statusCode &&
  shown.ContentType === page.contentType &&
  shown.MessageBody === page.messageBody;

/** `…:listener/app/<lb name>/<lb id>/<listener id>` → the load balancer's `app/<name>/<id>`. */
export const loadBalancerOf = (listenerArn: string) =>
  /:listener\/(app\/[^/]+\/[^/]+)\//.exec(listenerArn)?.[1] ?? listenerArn;

/** The first free priority at or after `preferred`, wrapping round. */
export function freePriority(preferred: number, taken: ReadonlySet<number>): number | undefined {
  for (let i = 0; i < MAX_PRIORITY; i++) {
    const p = ((preferred - 1 + i) % MAX_PRIORITY) + 1;
    if (!taken.has(p)) return p;
  }
  return undefined;
}

export async function inspectListenerRule(
  env: DeployEnv,
  targetGroup: Promise<Inspection>,
): Promise<Inspection> {
  const spec = env.plan.resources.listenerRule.spec;
  const base = { id: 'listenerRule' as const, name: spec.hostHeader };
  const byListener = new Map<string, Rule[]>();
  await Promise.all(spec.listenerArns.map(async (arn) => byListener.set(arn, await listenerRules(env, arn))));
  const tg = await targetGroup;

  for (const rules of byListener.values()) {
    const existing = rules.find((r) => hostsOf(r).includes(spec.hostHeader));
    if (!existing) continue;
    const arn = existing.RuleArn!;
    checkOwned(env, {
      id: 'listenerRule',
      kind: 'listener rule',
      name: `${spec.hostHeader} (${arn})`,
      arn,
      tags: await tagsOf(env, arn),
    });
    const forwardsTo = forwardTargets(existing);
    const shown = shownPage(existing);
    if (spec.sleepPage && shown) {
      // Asleep behind its page: a redeploy keeps it asleep (the schedule's wake brings the site back);
      // only the page's words follow the settings.
      if (samePage(shown, spec.sleepPage)) return { ...base, action: 'none', changes: [], arn };
      const page = spec.sleepPage;
      return {
        ...base,
        action: 'update',
        arn,
        changes: ['sleep page: its text follows the new schedule'],
        apply: async () => {
          await env.clients.elbv2.send(new ModifyRuleCommand({ RuleArn: arn, Actions: pageActions(page) }));
          return arn;
        },
      };
    }
    if (tg.arn && forwardsTo.length === 1 && forwardsTo[0] === tg.arn)
      return { ...base, action: 'none', changes: [], arn };
    return {
      ...base,
      action: 'update',
      arn,
      changes: [
        `forward: ${shown ? '(the sleep page)' : forwardsTo.join(', ') || '(none)'} → target group ${env.plan.resources.targetGroup.name}`,
      ],
      apply: async () => {
        await env.clients.elbv2.send(
          new ModifyRuleCommand({
            RuleArn: arn,
            Actions: [{ Type: 'forward', TargetGroupArn: env.refs.get('targetGroup') }],
          }),
        );
        return arn;
      },
    };
  }

  // A new rule: pick the first listener whose load balancer has room, before anything changes.
  const perLoadBalancer = new Map<string, number>();
  for (const [arn, rules] of byListener) {
    const lb = loadBalancerOf(arn);
    perLoadBalancer.set(lb, (perLoadBalancer.get(lb) ?? 0) + rules.filter((r) => !r.IsDefault).length);
  }
  const listenerArn = spec.listenerArns.find(
    (arn) => (perLoadBalancer.get(loadBalancerOf(arn)) ?? 0) < env.rulesPerLoadBalancer,
  );
  if (!listenerArn) {
    const counts = [...perLoadBalancer].map(([lb, n]) => `${lb}: ${n}`).join(', ');
    throw new ConfigurationError(
      `no load balancer has room for another rule (limit ${env.rulesPerLoadBalancer} each; ${counts}); ` +
        'add another ALB HTTPS listener to alb.https_listener_arns in the platform file, or destroy unused sites',
    );
  }
  const initialTaken = new Set(
    (byListener.get(listenerArn) ?? []).map((r) => Number(r.Priority)).filter(Number.isFinite),
  );
  const priority = freePriority(spec.preferredPriority, initialTaken)!;
  return {
    ...base,
    action: 'create',
    changes: [`create on ${listenerArn.split('/').slice(-3).join('/')} at priority ${priority}`],
    apply: async () => {
      let taken = initialTaken;
      // Each PriorityInUse means another deploy took that priority between our read and our write.
      for (let attempt = 1; ; attempt++) {
        const p = freePriority(spec.preferredPriority, taken);
        if (p === undefined)
          throw new ConfigurationError(`listener ${listenerArn} has no free rule priority`);
        try {
          const out = await env.clients.elbv2.send(
            new CreateRuleCommand({
              ListenerArn: listenerArn,
              Priority: p,
              Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: [spec.hostHeader] } }],
              Actions: [{ Type: 'forward', TargetGroupArn: env.refs.get('targetGroup') }],
              Tags: awsTags(spec.tags),
            }),
          );
          return out.Rules?.[0]?.RuleArn;
        } catch (err) {
          if (!(err instanceof PriorityInUseException) || attempt >= 20) throw err;
          env.log.info(`rule priority ${p} was taken meanwhile; trying the next free one`);
          const rules = await listenerRules(env, listenerArn);
          const ours = rules.find((r) => hostsOf(r).includes(spec.hostHeader));
          if (ours) return ours.RuleArn; // a concurrent run of this same site won the race
          taken = new Set(rules.map((r) => Number(r.Priority)).filter(Number.isFinite));
        }
      }
    },
  };
}
