// The site's task definition: a new revision only when the latest ACTIVE one differs from the plan
// (compared on the keys we set, so keys AWS fills in never cause a new revision on every run).
import { isCredentialName } from '../../secrets.js';
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  TagResourceCommand,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { SecretRef, TaskDefinitionSpec } from '../../plan/site-plan.js';
import { driftPaths, tagRecord } from '../normalise.js';
import type { DeployEnv, Inspection } from '../types.js';
import { checkOwned } from '../../resources/ownership.js';

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

export async function inspectTaskDefinition(env: DeployEnv, secretCreated: boolean): Promise<Inspection> {
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
