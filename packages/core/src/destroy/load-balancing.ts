// The site's host rule (looked for on every platform HTTPS listener: it may sit on any ALB with room)
// and its target group. The rule goes before the service, so no request reaches a draining task;
// the target group after it, because ELB refuses to delete a group a rule still forwards to.
import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  RuleNotFoundException,
  TargetGroupNotFoundException,
  paginateDescribeRules,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { tagRecord } from '../deploy/normalise.js';
import type { DestroyEnv, Removal } from './types.js';
import { ownedBy } from './types.js';

async function tagsOf(env: DestroyEnv, arn: string): Promise<Record<string, string>> {
  const out = await env.clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
  return tagRecord(out.TagDescriptions?.[0]?.Tags);
}

const hostsOf = (rule: Rule) =>
  (rule.Conditions ?? []).flatMap((c) =>
    c.Field === 'host-header' ? [...(c.HostHeaderConfig?.Values ?? []), ...(c.Values ?? [])] : [],
  );

export async function readListenerRules(env: DestroyEnv): Promise<Removal[]> {
  const { target } = env;
  const found: Rule[] = [];
  await Promise.all(
    target.listenerArns.map(async (listenerArn) => {
      for await (const page of paginateDescribeRules(
        { client: env.clients.elbv2 },
        { ListenerArn: listenerArn, PageSize: 400 },
      ))
        found.push(...(page.Rules ?? []).filter((r) => !r.IsDefault && hostsOf(r).includes(target.host)));
    }),
  );
  const base = { resource: 'listener rule', data: false, step: 'listener rule' as const };
  if (found.length === 0) return [{ ...base, name: target.host, plan: 'gone' }];
  return Promise.all(
    found.map(async (rule): Promise<Removal> => {
      const arn = rule.RuleArn!;
      const name = `${target.host} (priority ${rule.Priority})`;
      if (!ownedBy(await tagsOf(env, arn), target.link))
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

export async function readTargetGroup(env: DestroyEnv): Promise<Removal> {
  const name = env.target.names.targetGroupName;
  const base = { resource: 'target group', name, data: false, step: 'target group' as const };
  let arn: string | undefined;
  try {
    const out = await env.clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
    arn = out.TargetGroups?.[0]?.TargetGroupArn;
  } catch (err) {
    if (!(err instanceof TargetGroupNotFoundException)) throw err;
  }
  if (!arn) return { ...base, plan: 'gone' };
  if (!ownedBy(await tagsOf(env, arn), env.target.link))
    return { ...base, plan: 'not-ours', note: 'not tagged as this site’s' };
  return {
    ...base,
    plan: 'remove',
    apply: async () => {
      // DeleteTargetGroup succeeds for a group that is gone already (it has no not-found error).
      await env.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
      return 'removed';
    },
  };
}
