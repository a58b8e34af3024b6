// The site's task definition. Deploy registers a new revision only when the latest ACTIVE one differs
// from the plan (compared on the keys we set, so keys AWS fills in never cause a new revision on
// every run). Destroy deregisters every ACTIVE revision of the site's family and of its SQL task
// family tagged as the site's (an untagged one — Terraform's — is left alone); deregistered, not
// deleted: a later purge of kept data registers a copy of the latest one to run its rm task.
import { isCredentialName } from '../secrets.js';
import {
  ClientException,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  paginateListTaskDefinitions,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { driftPaths, tagRecord } from '../deploy/normalise.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { ownedBy, type DestroyEnv, type Removal } from '../destroy/types.js';
import type { SecretRef, TaskDefinitionSpec } from '../plan/site-plan.js';
import { checkOwned } from './ownership.js';
import type { SiteResource } from './types.js';
import { planTaskDefinition } from './task-definition.plan.js';
import { tagEcsResource } from './service.js';

/** `valueFrom` of a Secrets Manager JSON key: `<secret ARN>:<json key>::` (ECS developer guide, "secrets"). */
export const secretValueFrom = (secretArn: string, ref: SecretRef) => `${secretArn}:${ref.jsonKey}::`;

/** The reverse, for comparison: a secret's name and key from its valueFrom (ARN suffix `-AbCdEf` dropped). */
export function secretRefOf(valueFrom: string): SecretRef | undefined {
  const m = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)-[A-Za-z0-9]{6}:([^:]+):[^:]*:[^:]*$/.exec(
    valueFrom,
  );
  return m ? { secret: m[1]!, jsonKey: m[2]! } : undefined;
}

/** The plan's task definition as RegisterTaskDefinition input, secrets resolved to the secret's ARN. */
export function registerInput(
  spec: TaskDefinitionSpec,
  secretArn: string,
): RegisterTaskDefinitionCommandInput {
  return {
    ...spec,
    requiresCompatibilities: [...spec.requiresCompatibilities],
    containerDefinitions: spec.containerDefinitions.map((c) => ({
      ...c,
      secrets: c.secrets.map((s) => ({ name: s.name, valueFrom: secretValueFrom(secretArn, s.valueFrom) })),
    })),
    tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
  };
}

/** The planned spec and the current revision in one comparable shape (secrets by name, no tags). */
function comparable(spec: TaskDefinitionSpec) {
  const { tags: _tags, ...rest } = spec;
  return rest;
}

function currentComparable(td: TaskDefinition): unknown {
  return {
    ...td,
    containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({
      ...c,
      secrets: (c.secrets ?? []).map((s) => ({
        name: s.name,
        valueFrom: secretRefOf(s.valueFrom ?? '') ?? s.valueFrom,
      })),
    })),
  };
}

/** A revision as a diff shows it: credentials in its environment never reach a log line. */
function withoutCredentials(td: unknown): unknown {
  const t = td as { containerDefinitions?: { environment?: { name?: string; value?: string }[] }[] };
  return {
    ...t,
    containerDefinitions: (t.containerDefinitions ?? []).map((c) => ({
      ...c,
      environment: c.environment?.map((e) => (isCredentialName(e.name ?? '') ? { ...e, value: '***' } : e)),
    })),
  };
}

function valueAt(root: unknown, path: string): unknown {
  return path
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '')
    .reduce<unknown>(
      (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
      root,
    );
}

const short = (v: unknown) => {
  const s = v === undefined ? '(none)' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

async function inspect(env: DeployEnv, secretCreated: boolean): Promise<Inspection> {
  const spec = env.plan.resources.taskDefinition.spec;
  const base = { id: 'taskDefinition' as const, name: spec.family };
  const register = async () => {
    const secretArn = env.refs.get('dbSecret');
    if (!secretArn) throw new Error('the DB secret ARN is unknown: the secret must be converged first');
    const out = await env.clients.ecs.send(new RegisterTaskDefinitionCommand(registerInput(spec, secretArn)));
    return out.taskDefinition?.taskDefinitionArn;
  };
  let current: TaskDefinition | undefined;
  let tags: Record<string, string> = {};
  try {
    const out = await env.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: spec.family, include: ['TAGS'] }),
    );
    current = out.taskDefinition;
    tags = tagRecord(out.tags);
  } catch (err) {
    // ECS answers ClientException "Unable to describe task definition" for an unknown family.
    if (!(err instanceof ClientException)) throw err;
  }
  if (!current || current.status !== 'ACTIVE') {
    return { ...base, action: 'create', changes: ['register the first revision'], apply: register };
  }
  checkOwned(env, {
    id: 'taskDefinition',
    kind: 'task definition',
    name: `${spec.family}:${current.revision}`,
    arn: current.taskDefinitionArn,
    tags,
  });
  const drift = driftPaths(comparable(spec), currentComparable(current));
  // A new secret means a new ARN in valueFrom: the revision must change with it.
  if (secretCreated) drift.push('containerDefinitions[0].secrets');
  const missingTags = Object.entries(spec.tags).filter(([k, v]) => tags[k] !== v);
  if (drift.length === 0 && missingTags.length === 0) {
    return { ...base, action: 'none', changes: [], arn: current.taskDefinitionArn };
  }
  if (drift.length === 0) {
    return {
      ...base,
      action: 'update',
      arn: current.taskDefinitionArn,
      changes: missingTags.map(([k, v]) => `tag ${k}: ${tags[k] ?? '(none)'} → ${v}`),
      apply: async () => {
        await env.clients.ecs.send(
          new TagResourceCommand({
            resourceArn: current.taskDefinitionArn,
            tags: missingTags.map(([key, value]) => ({ key, value })),
          }),
        );
        return current.taskDefinitionArn;
      },
    };
  }
  const want = comparable(spec);
  const have = withoutCredentials(currentComparable(current));
  return {
    ...base,
    action: 'update',
    arn: current.taskDefinitionArn,
    changes: [...new Set(drift)].map((p) => `${p}: ${short(valueAt(have, p))} → ${short(valueAt(want, p))}`),
    apply: register,
  };
}

export interface FamilyRevisions {
  family: string;
  /** ARNs of the ACTIVE revisions tagged as the site's, oldest first. */
  ours: string[];
  notOurs: string[];
  /** The newest of `ours`, described (a purge runs its rm task with it). */
  latest?: TaskDefinition;
}

const revisionOf = (arn: string) => Number(/:(\d+)$/.exec(arn)?.[1] ?? 0);

/** ARNs of a family's revisions in one status, newest first (paged ListTaskDefinitions). */
async function revisions(env: DestroyEnv, family: string, status: 'ACTIVE' | 'INACTIVE'): Promise<string[]> {
  const arns: string[] = [];
  // ECS matches familyPrefix against whole family names (mdl_sql_task-a does not list mdl_sql_task-ab);
  // the filter below keeps that true whatever the service does.
  for await (const page of paginateListTaskDefinitions(
    { client: env.clients.ecs },
    { familyPrefix: family, status, sort: 'DESC' },
  ))
    arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.startsWith(`${family}:`)));
  return arns.sort((a, b) => revisionOf(b) - revisionOf(a));
}

async function describe(env: DestroyEnv, arn: string): Promise<{ td?: TaskDefinition; tags: Tag[] }> {
  const out = await env.clients.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
  );
  return { td: out.taskDefinition, tags: out.tags ?? [] };
}

export async function readFamily(env: DestroyEnv, family: string): Promise<FamilyRevisions> {
  const arns = await revisions(env, family, 'ACTIVE');
  const described = await Promise.all(arns.map(async (arn) => ({ arn, ...(await describe(env, arn)) })));
  const owned = described.filter((d) => ownedBy(tagRecord(d.tags), env.target.link));
  const ours = owned.map((d) => d.arn);
  return {
    family,
    ...(owned[0]?.td ? { latest: owned[0].td } : {}),
    ours: ours.sort((a, b) => revisionOf(a) - revisionOf(b)),
    notOurs: arns.filter((a) => !ours.includes(a)).sort((a, b) => revisionOf(a) - revisionOf(b)),
  };
}

/** The newest deregistered revision of a family that is the site's, to copy for a purge's task. */
export async function latestOwnedInactive(
  env: DestroyEnv,
  family: string,
): Promise<{ td: TaskDefinition; tags: Tag[] } | undefined> {
  for (const arn of await revisions(env, family, 'INACTIVE')) {
    const { td, tags } = await describe(env, arn);
    if (td && ownedBy(tagRecord(tags), env.target.link)) return { td, tags };
  }
  return undefined;
}

/** Registers a copy of a (deregistered) revision; it is deregistered again with the rest. */
export async function registerCopy(env: DestroyEnv, td: TaskDefinition, tags: Tag[]): Promise<string> {
  const input: RegisterTaskDefinitionCommandInput = {
    family: td.family,
    taskRoleArn: td.taskRoleArn,
    executionRoleArn: td.executionRoleArn,
    networkMode: td.networkMode,
    containerDefinitions: td.containerDefinitions,
    volumes: td.volumes,
    placementConstraints: td.placementConstraints,
    requiresCompatibilities: td.requiresCompatibilities,
    cpu: td.cpu,
    memory: td.memory,
    runtimePlatform: td.runtimePlatform,
    ...(td.ephemeralStorage ? { ephemeralStorage: td.ephemeralStorage } : {}),
    tags,
  };
  const out = await env.clients.ecs.send(new RegisterTaskDefinitionCommand(input));
  const arn = out.taskDefinition!.taskDefinitionArn!;
  env.registered.push(arn);
  return arn;
}

const revisionName = (arn: string) => arn.split('/').pop()!;

/**
 * The rows of one family: its revisions of ours, deregistered together with any this run registers
 * (`willRegister`: the purge's one-off tasks), and the untagged ones, left alone.
 */
export function familyRows(env: DestroyEnv, found: FamilyRevisions, willRegister: boolean): Removal[] {
  const base = { resource: 'task definition', data: false, step: 'task definitions' as const };
  const rows: Removal[] = [];
  if (found.notOurs.length)
    rows.push({
      ...base,
      name: found.notOurs.map(revisionName).join(', '),
      plan: 'not-ours',
      note: 'not tagged as this site’s',
    });
  if (found.ours.length === 0 && !willRegister) {
    rows.push({ ...base, name: found.family, plan: 'gone' });
    return rows;
  }
  const row: Removal = {
    ...base,
    name: found.ours.length ? found.ours.map(revisionName).join(', ') : found.family,
    plan: 'remove',
    ...(found.ours.length ? {} : { note: 'the revision this run registers for its purge task' }),
  };
  row.apply = async () => {
    const extra = env.registered.filter(
      (a) => revisionName(a).startsWith(`${found.family}:`) && !found.ours.includes(a),
    );
    if (extra.length)
      row.note = `and ${extra.map(revisionName).join(', ')}, registered by this run for its purge task`;
    const all = [...found.ours, ...extra];
    // All settle before a failure is reported: nothing of this run may still be changing AWS after it.
    const done = await Promise.allSettled(
      all.map((arn) => env.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))),
    );
    const failed = done.find((d) => d.status === 'rejected');
    if (failed) throw failed.reason;
    return 'removed';
  };
  rows.push(row);
  return rows;
}

export const taskDefinition = {
  id: 'taskDefinition',
  kind: 'task definition',
  plan: planTaskDefinition,
  inspect,
  // Destroy reads the site's family and the SQL task family together with the purge's needs:
  // readFamily, familyRows, latestOwnedInactive and registerCopy above.
  tag: tagEcsResource,
} satisfies SiteResource<'taskDefinition', [secretCreated: boolean]>;
