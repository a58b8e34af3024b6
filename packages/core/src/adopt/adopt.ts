// Adopt a site that Terraform built: find its resources by today's names, report how each differs
// from the plan, and only when asked tag them as the suite's and write its site registry entry, so
// the next deploy converges them instead of refusing them. Nothing else is created, changed or deleted.
import { isPasswordName } from '../secrets.js';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { guardConflicts } from '../deploy/conflict-guard.js';
import { checkCredentials } from '../aws/credentials.js';
import { readResources, SITE_RESOURCES } from '../resources/index.js';
import { scalableTargetTags, scalingPoliciesOf } from '../resources/scaling.js';
import { desiredEntry } from '../resources/registry-entry.js';
import type {
  DbProvisioner,
  DeployEnv,
  Inspection,
  OneOffTaskRunner,
  OwnershipFinding,
} from '../deploy/types.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { MAX_TARGET_GROUP_NAME, SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import type { ResourceId, SitePlan } from '../plan/site-plan.js';
import { SiteRegistry, type SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';

export interface AdoptOptions {
  clients: AwsClients;
  plan: SitePlan;
  platform: Platform;
  log: Logger;
  /** Tag what was found and write the registry entry; without it adopt only reads and reports. */
  apply: boolean;
  /** Today's names of the service and target group, when they are not the suite's `mdl-<link>`. */
  names?: { service?: string; targetGroup?: string };
  /** Who adopts (GitHub actor or user), written into the registry entry. */
  actor: string;
  now?: () => Date;
}

/** The order adopt starts its reads in: deploy's, for the resources adopt looks at. */
const READ_ORDER: readonly ResourceId[] = [
  'dbSecret',
  'targetGroup',
  'taskDefinition',
  'logGroup',
  'listenerRule',
  'service',
  'scalingTarget',
  'scalingPolicy',
];

/** The site's AWS resources adopt looks for, in the order it reports and tags them. */
export const ADOPTABLE = [
  'logGroup',
  'dbSecret',
  'taskDefinition',
  'targetGroup',
  'listenerRule',
  'service',
  'scalingTarget',
  'scalingPolicy',
] as const;
export type AdoptableId = (typeof ADOPTABLE)[number];

/**
 * `ours`: both suite tags present; `untagged` / `partly tagged`: adopt adds what is missing;
 * `another owner`: tagged for another site or by another tool, never taken; `not taggable`: scaling
 * policies carry no tags (their scalable target does).
 */
export type Ownership = 'missing' | 'ours' | 'untagged' | 'partly tagged' | 'another owner' | 'not taggable';

export interface AdoptionFinding {
  id: AdoptableId;
  name: string;
  arn: string | undefined;
  found: boolean;
  ownership: Ownership;
  /** The suite's tags it lacks: exactly what adopt adds. */
  missingTags: Record<string, string>;
  /** What the next deploy changes to make it match the plan (for a missing resource: creates it). */
  changes: string[];
  /** Facts for a person that neither adopt nor deploy acts on. */
  notes: string[];
  /** Tagged by this run. */
  tagged: boolean;
}

export interface AdoptResult {
  site: string;
  findings: AdoptionFinding[];
  registry: { name: string; state: 'exists' | 'to write' | 'written' };
  /** Why adoption cannot be applied; `--apply` is refused while there is any. */
  blockers: string[];
  applied: boolean;
  /** Whether adoption adds (or added) a tag or the registry entry. */
  changed: boolean;
}

/** Refused `--apply`, carrying the report so the caller can still show what was found. */
export class AdoptionRefusedError extends ConfigurationError {
  override name = 'AdoptionRefusedError';
  constructor(readonly result: AdoptResult) {
    super(`adopt --apply refused; nothing was changed:\n${result.blockers.map((b) => `- ${b}`).join('\n')}`);
  }
}

// The inspections adopt runs never provision databases or run tasks; these make any slip loud.
const NO_DB: DbProvisioner = {
  mode: 'task',
  changes: async () => undefined,
  apply: async () => {
    throw new Error('adopt never provisions databases');
  },
};
const NO_TASKS: OneOffTaskRunner = {
  run: async () => {
    throw new Error('adopt never runs tasks');
  },
};

const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const TARGET_GROUP_NAME = /^(?!-)[A-Za-z0-9-]{1,32}(?<!-)$/;

/** The plan with Terraform's service and target group names, so the engine reads those resources. */
function withTodaysNames(plan: SitePlan, service: string, targetGroup: string): SitePlan {
  const r = plan.resources;
  if (service === r.service.spec.serviceName && targetGroup === r.targetGroup.spec.name) return plan;
  const p = structuredClone(plan);
  const resourceId = `service/${p.resources.service.spec.cluster}/${service}`;
  p.resources.service.name = p.resources.service.spec.serviceName = service;
  p.resources.targetGroup.name = p.resources.targetGroup.spec.name = targetGroup;
  p.resources.scalingTarget.name = p.resources.scalingTarget.spec.resourceId = resourceId;
  p.resources.scalingPolicy.spec.resourceId = resourceId;
  return p;
}

function ownershipOf(
  tags: Record<string, string>,
  site: string,
): { ownership: Ownership; missing: Record<string, string> } {
  const want = { [TAG_SITE]: site, [TAG_MANAGED_BY]: SUITE_NAME };
  const clash = Object.entries(want).some(([k, v]) => tags[k] !== undefined && tags[k] !== v);
  if (clash) return { ownership: 'another owner', missing: {} };
  const missing = Object.fromEntries(Object.entries(want).filter(([k]) => tags[k] === undefined));
  const n = Object.keys(missing).length;
  return { ownership: n === 0 ? 'ours' : n === 2 ? 'untagged' : 'partly tagged', missing };
}

/** Where today's task definition takes the DB password from, said without the password. */
async function passwordSource(clients: AwsClients, family: string): Promise<string> {
  const out = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
  const containers = out.taskDefinition?.containerDefinitions ?? [];
  const fromSecret = containers.flatMap((c) => c.secrets ?? []).find((s) => isPasswordName(s.name ?? ''));
  if (fromSecret) return ` (${family} reads ${fromSecret.name} from ${fromSecret.valueFrom})`;
  const plain = containers.flatMap((c) => c.environment ?? []).find((e) => isPasswordName(e.name ?? ''));
  return plain ? ` (${family} has ${plain.name} in plain text in its environment)` : '';
}

/** Tag one resource with the suite's tags it lacks, through its own module (a policy has no tags). */
async function tag(clients: AwsClients, f: AdoptionFinding): Promise<void> {
  const resource = SITE_RESOURCES[f.id];
  if ('tag' in resource) await resource.tag(clients, f.arn!, f.missingTags);
}

/** The suite's own tag lines in an inspection's changes: they are what adopt does, not the deploy. */
const isSuiteTagChange = (line: string) =>
  line.startsWith(`tag ${TAG_SITE}:`) || line.startsWith(`tag ${TAG_MANAGED_BY}:`);

/** Today's names of the service and target group (the suite's unless given), checked as names. */
function todaysNames(options: AdoptOptions): { serviceName: string; targetGroupName: string } {
  const r = options.plan.resources;
  const serviceName = options.names?.service ?? r.service.spec.serviceName;
  const targetGroupName = options.names?.targetGroup ?? r.targetGroup.spec.name;
  if (!SERVICE_NAME.test(serviceName))
    throw new ConfigurationError(
      `--service ${serviceName} is not an ECS service name (letters, digits, - and _)`,
    );
  if (!TARGET_GROUP_NAME.test(targetGroupName))
    throw new ConfigurationError(
      `--target-group ${targetGroupName} is not a target group name (up to ${MAX_TARGET_GROUP_NAME} letters, digits and -)`,
    );
  return { serviceName, targetGroupName };
}

/** One finding per adoptable resource, from deploy's inspection and the tags it reported. */
function findingsOf(
  inspections: ReadonlyMap<ResourceId, Inspection>,
  owners: ReadonlyMap<string, OwnershipFinding>,
  site: string,
): AdoptionFinding[] {
  return ADOPTABLE.map((id) => {
    const i = inspections.get(id)!;
    const found = i.action !== 'create';
    const owner = owners.get(id);
    const arn = found ? (owner?.arn ?? i.arn) : undefined;
    const o = owner ? ownershipOf(owner.tags, site) : undefined;
    return {
      id,
      // The revision is part of what was found; the rule's host header names it better than its ARN.
      name: id === 'taskDefinition' && arn ? (arn.split('/').pop() ?? i.name) : i.name,
      arn,
      found,
      ownership: o?.ownership ?? (found ? 'not taggable' : 'missing'),
      missingTags: o?.missing ?? {},
      changes: i.changes.filter((c) => !isSuiteTagChange(c)),
      notes: [],
      tagged: false,
    };
  });
}

/**
 * Scalable targets carry tags the deploy never reads; policies carry none, and today's may be named
 * otherwise (two step policies instead of our one target-tracking policy): said, never changed.
 */
async function readScaling(clients: AwsClients, env: DeployEnv, findings: AdoptionFinding[]): Promise<void> {
  const target = findings.find((f) => f.id === 'scalingTarget')!;
  if (!target.found) return;
  if (target.arn?.startsWith('arn:')) {
    const o = ownershipOf(await scalableTargetTags(clients, target.arn), env.plan.site);
    target.ownership = o.ownership;
    target.missingTags = o.missing;
  } else {
    target.notes.push('AWS reports no ARN for this scalable target, so it cannot be tagged');
  }
  const policy = findings.find((f) => f.id === 'scalingPolicy')!;
  for (const p of await scalingPoliciesOf(clients, env.plan.resources.scalingTarget.spec.resourceId))
    if (p.PolicyName !== policy.name)
      policy.notes.push(
        `${p.PolicyName} (${p.PolicyType}) is not the plan's: deploy-instance neither changes nor removes it; ` +
          `remove it and its alarms in Terraform once ${policy.name} is in place`,
      );
}

/** What stops the adoption: another owner's tags, names the suite cannot keep, a missing secret. */
async function blockersOf(
  options: AdoptOptions,
  findings: AdoptionFinding[],
  names: { serviceName: string; targetGroupName: string },
): Promise<string[]> {
  const { clients, plan, platform } = options;
  const blockers: string[] = [];
  for (const f of findings)
    if (f.ownership === 'another owner')
      blockers.push(
        `${f.id} ${f.name} is tagged for another site or tool; adopt only takes untagged resources`,
      );
  const found = (id: AdoptableId) => findings.find((f) => f.id === id)!;
  for (const [given, ours, kind, option, id] of [
    [names.serviceName, plan.resources.service.spec.serviceName, 'service', '--service', 'service'],
    [
      names.targetGroupName,
      plan.resources.targetGroup.spec.name,
      'target group',
      '--target-group',
      'targetGroup',
    ],
  ] as const) {
    if (given === ours) continue;
    blockers.push(
      found(id).found
        ? `${kind} ${given} is not named ${ours}. ECS services and target groups cannot be renamed, and deploy-instance, ` +
            `rollback and destroy find a site's resources by the suite's names, so after adopting ${given} the next deploy would ` +
            `create ${ours} beside it. Either rename it to ${ours} in Terraform (which recreates it) and adopt again, or adopt ` +
            `without ${option}: the rest is adopted, the next deploy creates ${ours} and moves the host rule to it, and then ` +
            `${given} is removed from Terraform`
        : `${kind} ${given} (${option}) does not exist in ${platform.cluster}; check the name`,
    );
  }
  const secret = found('dbSecret');
  if (!secret.found) {
    const source = found('taskDefinition').found
      ? await passwordSource(clients, plan.resources.taskDefinition.spec.family)
      : '';
    blockers.push(
      `secret ${secret.name} does not exist: deploy-instance would generate a new DB password that the existing user ` +
        `${plan.resources.dbUser.spec.name} does not have. Store the site's current password there first${source}: ` +
        `aws secretsmanager create-secret --name ${secret.name} --secret-string '{"password":"…"}'`,
    );
  }
  return blockers;
}

export async function adoptSite(options: AdoptOptions): Promise<AdoptResult> {
  const { clients, plan, platform, log } = options;
  const now = options.now ?? (() => new Date());
  const names = todaysNames(options);
  await checkCredentials(clients);

  const registry = new SiteRegistry(clients.ssm, undefined, platform.tags);
  const entries = await registry.list();
  const previousEntry = entries.find((e) => e.previewLink === plan.site);
  const conflicts: string[] = [];
  try {
    guardConflicts(plan, entries, undefined, now().toISOString().slice(0, 10));
  } catch (err) {
    if (!(err instanceof ConfigurationError)) throw err;
    conflicts.push(err.message);
  }

  // The deploy's own inspections read and compare; told about tags instead of refusing untagged ones.
  const owners = new Map<string, OwnershipFinding>();
  const env: DeployEnv = {
    clients,
    plan: withTodaysNames(plan, names.serviceName, names.targetGroupName),
    platform,
    log,
    registry,
    previousEntry,
    db: NO_DB,
    tasks: NO_TASKS,
    refs: new Map(),
    actor: options.actor,
    now,
    rulesPerLoadBalancer: platform.alb.rules_per_load_balancer,
    waiter: { minDelay: 5, maxDelay: 30 },
    onOwnership: (found) => owners.set(found.id, found),
  };
  // Deploy's own reads, in the order deploy starts them (what each depends on comes with it).
  const inspections = await log.group('Reading what exists', () => readResources(env, READ_ORDER));
  const findings = findingsOf(inspections, owners, plan.site);
  await readScaling(clients, env, findings);
  const blockers = [...conflicts, ...(await blockersOf(options, findings, names))];
  if (!findings.some((f) => f.found) && !previousEntry) {
    throw new ConfigurationError(
      `nothing to adopt for ${plan.site}: none of its resources exists under today's names ` +
        `(task family ${plan.resources.taskDefinition.spec.family}, service ${names.serviceName}, target group ${names.targetGroupName}, ` +
        `host rule ${plan.host}, log group ${plan.resources.logGroup.spec.logGroupName}). A new site needs only ` +
        'deploy-instance; otherwise check preview_link, the platform file, or pass --service/--target-group',
    );
  }

  const registryName = plan.resources.siteRegistration.spec.parameterName;
  const toTag = findings.filter((f) => f.found && f.arn && Object.keys(f.missingTags).length > 0);
  const result: AdoptResult = {
    site: plan.site,
    findings,
    registry: { name: registryName, state: previousEntry ? 'exists' : 'to write' },
    blockers,
    applied: false,
    changed: toTag.length > 0 || !previousEntry,
  };
  if (!options.apply) return result;
  if (blockers.length) throw new AdoptionRefusedError(result);
  if (!result.changed) return { ...result, applied: true };

  await log.group('Adopting', async () => {
    // One at a time, registry last: an interrupted run leaves no entry, and the next run finishes.
    for (const f of toTag) {
      log.info(`tagging ${f.id} ${f.name}`);
      await tag(clients, f);
      f.tagged = true;
    }
    if (!previousEntry) {
      // Cron stays with today's cron container until a deploy has turned ECS Exec on and registers it.
      const { cron: _cron, ...entry } = desiredEntry({ ...env, plan });
      const stamp = { updatedAt: now().toISOString(), updatedBy: options.actor };
      log.info(`writing the site registry entry ${registryName}`);
      await registry.put({ ...entry, ...stamp } satisfies SiteRegistryEntry, false);
      result.registry.state = 'written';
    }
  });
  return { ...result, applied: true };
}

const pad = (s: string, n: number) => s.padEnd(n);

/** The report for people: one row per resource, what adopt does to it, and what the next deploy changes. */
export function renderAdoption(result: AdoptResult): string {
  const rows = [
    ...result.findings.map((f) => ({
      resource: f.id,
      state: f.found ? 'found' : 'missing',
      owner: f.ownership === 'missing' ? '-' : f.ownership,
      adopt: f.tagged
        ? 'tagged'
        : Object.keys(f.missingTags).length && f.found
          ? result.applied
            ? 'not tagged'
            : 'tag'
          : '-',
      name: f.name,
      detail: [...f.changes.map((c) => `next deploy: ${c}`), ...f.notes.map((n) => `note: ${n}`)],
    })),
    {
      resource: 'siteRegistration',
      state: result.registry.state === 'exists' ? 'found' : 'missing',
      owner: result.registry.state === 'exists' ? 'ours' : '-',
      adopt:
        result.registry.state === 'written'
          ? 'written'
          : result.registry.state === 'to write'
            ? 'write'
            : '-',
      name: result.registry.name,
      detail:
        result.registry.state === 'exists'
          ? []
          : [
              'note: databases and moodledata are recorded from the settings; cron is registered by the next deploy',
            ],
    },
  ];
  const w = (k: 'resource' | 'state' | 'owner' | 'adopt') =>
    Math.max(k.length, ...rows.map((r) => r[k].length));
  const indent = ' '.repeat(w('resource') + 2);
  const lines = [
    `${pad('resource', w('resource'))}  ${pad('state', w('state'))}  ${pad('owner', w('owner'))}  ${pad('adopt', w('adopt'))}  name`,
    ...rows.flatMap((r) => [
      `${pad(r.resource, w('resource'))}  ${pad(r.state, w('state'))}  ${pad(r.owner, w('owner'))}  ${pad(r.adopt, w('adopt'))}  ${r.name}`,
      ...r.detail.map((d) => `${indent}${d}`),
    ]),
    '',
  ];
  const tagged = result.findings.filter((f) => f.tagged).length;
  const toTag = result.findings.filter((f) => f.found && Object.keys(f.missingTags).length).length;
  if (result.blockers.length) {
    lines.push('adopt --apply is refused until these are resolved:', ...result.blockers.map((b) => `- ${b}`));
  } else if (!result.changed) {
    lines.push(`nothing to change: ${result.site} is already adopted`);
  } else if (result.applied) {
    lines.push(
      `adopted ${result.site}: tagged ${tagged} resource(s)${result.registry.state === 'written' ? ' and wrote the registry entry' : ''}; ` +
        'nothing else changed. The next deploy-instance converges the differences above',
    );
  } else {
    lines.push(
      `dry run: adopt --apply would tag ${toTag} resource(s)${result.registry.state === 'to write' ? ' and write the registry entry' : ''}; ` +
        'nothing else would change',
    );
  }
  return lines.join('\n');
}
