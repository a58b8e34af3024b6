// Task definition revisions of the site's family and of its SQL task family: every ACTIVE revision
// tagged as the site's is deregistered (an untagged one — Terraform's — is left alone). Deregistered,
// not deleted: a later purge of kept data registers a copy of the latest one to run its rm task.
import {
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  paginateListTaskDefinitions,
  type RegisterTaskDefinitionCommandInput,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { tagRecord } from '../deploy/normalise.js';
import type { DestroyEnv, Removal } from './types.js';
import { ownedBy } from './types.js';

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

const short = (arn: string) => arn.split('/').pop()!;

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
      name: found.notOurs.map(short).join(', '),
      plan: 'not-ours',
      note: 'not tagged as this site’s',
    });
  if (found.ours.length === 0 && !willRegister) {
    rows.push({ ...base, name: found.family, plan: 'gone' });
    return rows;
  }
  const row: Removal = {
    ...base,
    name: found.ours.length ? found.ours.map(short).join(', ') : found.family,
    plan: 'remove',
    ...(found.ours.length ? {} : { note: 'the revision this run registers for its purge task' }),
  };
  row.apply = async () => {
    const extra = env.registered.filter(
      (a) => short(a).startsWith(`${found.family}:`) && !found.ours.includes(a),
    );
    if (extra.length)
      row.note = `and ${extra.map(short).join(', ')}, registered by this run for its purge task`;
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
