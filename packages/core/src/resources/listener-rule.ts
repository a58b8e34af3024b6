// The site's host rule on one of the platform's HTTPS listeners. Planned at a stable priority derived
// from the link; placed on a load balancer with room (an ALB holds a limited number of rules), at that
// priority or the next free one, a concurrent deploy that takes it first (PriorityInUse) making us
// re-read and take the next. While the site sleeps behind its page (issue 17) a redeploy leaves the
// page up. Destroy looks for the rule on every listener (it may sit on any ALB with room) and removes
// it before the service, so no request reaches a draining task.
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  ModifyRuleCommand,
  PriorityInUseException,
  RuleNotFoundException,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { checkOwned } from './ownership.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { ownedBy, type DestroyEnv, type Removal } from '../destroy/types.js';
import { ConfigurationError } from '../errors.js';
import { pageActions, type SleepPage } from '../fleet/sleep-page.js';
import type { ListenerRuleSpec } from '../plan/site-plan.js';
import { addElbTags, awsTags, elbTags, hostsOf } from './elb.js';
import type { SiteResource } from './types.js';
import { planListenerRule } from './listener-rule.plan.js';

const KIND = 'listener rule';
const MAX_PRIORITY = 50_000;

/** The first free priority at or after `preferred`, wrapping round. */
export function freePriority(preferred: number, taken: ReadonlySet<number>): number | undefined {
  for (let i = 0; i < MAX_PRIORITY; i++) {
    const p = ((preferred - 1 + i) % MAX_PRIORITY) + 1;
    if (!taken.has(p)) return p;
  }
  return undefined;
}

/** `…:listener/app/<lb name>/<lb id>/<listener id>` → the load balancer's `app/<name>/<id>`. */
export const loadBalancerOf = (listenerArn: string) =>
  /:listener\/(app\/[^/]+\/[^/]+)\//.exec(listenerArn)?.[1] ?? listenerArn;

/** All rules of one listener, through DescribeRules' Marker paging. */
async function listenerRules(clients: AwsClients, listenerArn: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let marker: string | undefined;
  do {
    const out = await clients.elbv2.send(
      new DescribeRulesCommand({ ListenerArn: listenerArn, Marker: marker, PageSize: 400 }),
    );
    rules.push(...(out.Rules ?? []));
    marker = out.NextMarker;
  } while (marker);
  return rules;
}

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

/** The site's existing rule brought to the plan: forwarding to its target group, or its page kept up. */
async function converge(
  env: DeployEnv,
  existing: Rule,
  targetGroupArn: string | undefined,
): Promise<Inspection> {
  const spec = env.plan.resources.listenerRule.spec;
  const base = { id: 'listenerRule' as const, name: spec.hostHeader };
  const arn = existing.RuleArn!;
  checkOwned(env, {
    id: 'listenerRule',
    kind: KIND,
    name: `${spec.hostHeader} (${arn})`,
    arn,
    tags: await elbTags(env.clients, arn),
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
  if (targetGroupArn && forwardsTo.length === 1 && forwardsTo[0] === targetGroupArn)
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

/** The first listener whose load balancer has room for another rule, chosen before anything changes. */
function listenerWithRoom(env: DeployEnv, byListener: ReadonlyMap<string, Rule[]>): string {
  const perLoadBalancer = new Map<string, number>();
  for (const [arn, rules] of byListener) {
    const lb = loadBalancerOf(arn);
    perLoadBalancer.set(lb, (perLoadBalancer.get(lb) ?? 0) + rules.filter((r) => !r.IsDefault).length);
  }
  const listenerArn = env.plan.resources.listenerRule.spec.listenerArns.find(
    (arn) => (perLoadBalancer.get(loadBalancerOf(arn)) ?? 0) < env.rulesPerLoadBalancer,
  );
  if (listenerArn) return listenerArn;
  const counts = [...perLoadBalancer].map(([lb, n]) => `${lb}: ${n}`).join(', ');
  throw new ConfigurationError(
    `no load balancer has room for another rule (limit ${env.rulesPerLoadBalancer} each; ${counts}); ` +
      'add another ALB HTTPS listener to alb.https_listener_arns in the platform file, or destroy unused sites',
  );
}

function create(env: DeployEnv, byListener: ReadonlyMap<string, Rule[]>): Inspection {
  const spec: ListenerRuleSpec = env.plan.resources.listenerRule.spec;
  const listenerArn = listenerWithRoom(env, byListener);
  const initialTaken = new Set(
    (byListener.get(listenerArn) ?? []).map((r) => Number(r.Priority)).filter(Number.isFinite),
  );
  const priority = freePriority(spec.preferredPriority, initialTaken)!;
  return {
    id: 'listenerRule',
    name: spec.hostHeader,
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
          const rules = await listenerRules(env.clients, listenerArn);
          const ours = rules.find((r) => hostsOf(r).includes(spec.hostHeader));
          if (ours) return ours.RuleArn; // a concurrent run of this same site won the race
          taken = new Set(rules.map((r) => Number(r.Priority)).filter(Number.isFinite));
        }
      }
    },
  };
}

async function inspect(env: DeployEnv, targetGroup: Promise<Inspection>): Promise<Inspection> {
  const spec = env.plan.resources.listenerRule.spec;
  const byListener = new Map<string, Rule[]>();
  await Promise.all(
    spec.listenerArns.map(async (arn) => byListener.set(arn, await listenerRules(env.clients, arn))),
  );
  const tg = await targetGroup;
  for (const rules of byListener.values()) {
    const existing = rules.find((r) => hostsOf(r).includes(spec.hostHeader));
    if (existing) return converge(env, existing, tg.arn);
  }
  return create(env, byListener);
}

async function removals(env: DestroyEnv): Promise<Removal[]> {
  const { target } = env;
  const found: Rule[] = [];
  await Promise.all(
    target.listenerArns.map(async (listenerArn) =>
      found.push(
        ...(await listenerRules(env.clients, listenerArn)).filter(
          (r) => !r.IsDefault && hostsOf(r).includes(target.host),
        ),
      ),
    ),
  );
  const base = { resource: KIND, data: false, step: 'listener rule' as const };
  if (found.length === 0) return [{ ...base, name: target.host, plan: 'gone' }];
  return Promise.all(
    found.map(async (rule): Promise<Removal> => {
      const arn = rule.RuleArn!;
      const name = `${target.host} (priority ${rule.Priority})`;
      if (!ownedBy(await elbTags(env.clients, arn), target.link))
        return { ...base, name, plan: 'not-ours', note: 'not tagged as this site’s' };
      return {
        ...base,
        name,
        plan: 'remove',
        apply: async () => {
          try {
            await env.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: arn }));
            return 'removed';
          } catch (err) {
            if (err instanceof RuleNotFoundException) return 'already gone';
            throw err;
          }
        },
      };
    }),
  );
}

export const listenerRule = {
  id: 'listenerRule',
  kind: KIND,
  plan: planListenerRule,
  inspect,
  removals,
  tag: addElbTags,
} satisfies SiteResource<'listenerRule', [targetGroup: Promise<Inspection>]>;
