// Moodle's own CLI (upgrade.php, maintenance.php, purge_caches.php, cfg.php) run as one-off tasks of
// the site's task definition with the command overridden — or of a copy with another image (an
// upgrade hop's full image), registered in the family `mdl_upgrade_task-<link>` and tagged as the site's.
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type ECSClient,
  type RegisterTaskDefinitionCommandInput,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { driftPaths, tagRecord } from '../deploy/normalise.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import { SiteRegistry, type SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';
import { runFollowedTask, type FollowedTaskResult } from './followed-task.js';

/** The clients the upgrade and config paths use (one credential provider for all of them). */
export interface MoodleTaskClients {
  region: string;
  ecs: ECSClient;
  logs: CloudWatchLogsClient;
  ssm: SSMClient;
  secrets: SecretsManagerClient;
}

export const upgradeTaskFamily = (link: string) => `mdl_upgrade_task-${link}`;

/** What a Moodle CLI task needs to know about the site. */
export interface MoodleSite {
  entry: SiteRegistryEntry;
  taskDefinition: TaskDefinition;
  container: string;
  image: string;
  /** Where the Moodle code is in the image (the container's MOODLE_CODE_PATH). */
  codePath: string;
  logGroup: string;
  logStreamPrefix: string;
}

/** The site's registry entry and the latest ACTIVE revision of its task family. Read-only. */
export async function readMoodleSite(clients: MoodleTaskClients, link: string): Promise<MoodleSite> {
  const entry = await new SiteRegistry(clients.ssm).get(link);
  if (!entry) throw new ConfigurationError(`site ${link} is not in the site registry: deploy it first`);
  if (entry.destroyedAt)
    throw new ConfigurationError(`site ${link} was destroyed on ${entry.destroyedAt}: deploy it again first`);
  let td: TaskDefinition | undefined;
  try {
    td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: entry.taskFamily })))
      .taskDefinition;
  } catch (err) {
    if (!(err instanceof ClientException)) throw err;
  }
  if (!td || td.status !== 'ACTIVE')
    throw new ConfigurationError(
      `site ${link} has no ACTIVE task definition ${entry.taskFamily}: deploy it first`,
    );
  const c = td.containerDefinitions?.find((d) => d.name === entry.container);
  if (!c?.image) throw new ConfigurationError(`${td.taskDefinitionArn} has no container ${entry.container}`);
  const codePath = c.environment?.find((e) => e.name === 'MOODLE_CODE_PATH')?.value;
  if (!codePath)
    throw new ConfigurationError(
      `${td.taskDefinitionArn} sets no MOODLE_CODE_PATH: redeploy the site with deploy-instance so its task definition names where Moodle's code is`,
    );
  const options = c.logConfiguration?.options ?? {};
  return {
    entry,
    taskDefinition: td,
    container: c.name!,
    image: c.image,
    codePath: codePath.replace(/\/+$/, ''),
    logGroup: options['awslogs-group'] ?? entry.logGroup,
    logStreamPrefix: options['awslogs-stream-prefix'] ?? 'moodle',
  };
}

/** The site's task definition with the container's image replaced, as RegisterTaskDefinition input. */
export function withImage(
  site: MoodleSite,
  image: string,
  tags: Record<string, string>,
): RegisterTaskDefinitionCommandInput {
  const td = site.taskDefinition;
  return {
    family: upgradeTaskFamily(site.entry.previewLink),
    ...(td.taskRoleArn ? { taskRoleArn: td.taskRoleArn } : {}),
    ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}),
    ...(td.networkMode ? { networkMode: td.networkMode } : {}),
    containerDefinitions: (td.containerDefinitions ?? []).map((c) =>
      c.name === site.container ? { ...c, image } : c,
    ),
    ...(td.volumes ? { volumes: td.volumes } : {}),
    ...(td.requiresCompatibilities ? { requiresCompatibilities: td.requiresCompatibilities } : {}),
    ...(td.cpu ? { cpu: td.cpu } : {}),
    ...(td.memory ? { memory: td.memory } : {}),
    ...(td.runtimePlatform ? { runtimePlatform: td.runtimePlatform } : {}),
    ...(td.ephemeralStorage ? { ephemeralStorage: td.ephemeralStorage } : {}),
    tags: Object.entries({ ...tags, [TAG_SITE]: site.entry.previewLink, [TAG_MANAGED_BY]: SUITE_NAME }).map(
      ([key, value]) => ({ key, value }),
    ),
  };
}

/** The ARN of a task definition running `image` for the site: its own, or a (reused) copy. */
export async function taskDefinitionFor(
  ecs: ECSClient,
  site: MoodleSite,
  image: string,
  tags: Record<string, string>,
  log: Logger,
): Promise<string> {
  if (image === site.image) return site.taskDefinition.taskDefinitionArn!;
  const input = withImage(site, image, tags);
  try {
    const out = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: input.family, include: ['TAGS'] }),
    );
    const { tags: _t, family: _f, ...wanted } = input;
    const ours = tagRecord(out.tags)[TAG_SITE] === site.entry.previewLink;
    const td = out.taskDefinition;
    if (ours && td?.status === 'ACTIVE' && driftPaths(wanted, td).length === 0) return td.taskDefinitionArn!;
  } catch (err) {
    if (!(err instanceof ClientException)) throw err;
  }
  const out = await ecs.send(new RegisterTaskDefinitionCommand(input));
  log.info(`registered ${out.taskDefinition!.taskDefinitionArn} (the site's task definition with ${image})`);
  return out.taskDefinition!.taskDefinitionArn!;
}

export interface CliRun {
  clients: MoodleTaskClients;
  platform: Platform;
  site: MoodleSite;
  taskDefinitionArn: string;
  /** argv after `php`: the script relative to the code path, then its options. */
  script: string;
  args?: string[];
  /** A shell command instead of php (cfg.php runs several times in one task). */
  shell?: string;
  environment?: { name: string; value: string }[];
  purpose: string;
  maxWaitMs: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onLine?: (line: string) => void;
  onStarted?: (taskArn: string, purpose: string) => void | Promise<void>;
  onProgress?: (status: string, elapsedMs: number, lines: number) => void;
  progressEveryMs?: number;
}

/** Runs `php <code>/<script> <args>` (or `sh -c <shell>`) as a followed one-off task of the site. */
export function runMoodleCli(r: CliRun): Promise<FollowedTaskResult> {
  const command =
    r.shell !== undefined
      ? ['sh', '-c', r.shell]
      : ['php', `${r.site.codePath}/${r.script}`, ...(r.args ?? [])];
  return runFollowedTask(
    r.clients,
    {
      cluster: r.site.entry.cluster,
      taskDefinitionArn: r.taskDefinitionArn,
      container: r.site.container,
      command,
      ...(r.environment ? { environment: r.environment } : {}),
      network: r.platform.network,
      tags: r.platform.tags,
      startedBy: `mdl-cli/${r.site.entry.previewLink}`,
      logGroup: r.site.logGroup,
      logStreamPrefix: r.site.logStreamPrefix,
    },
    {
      maxWaitMs: r.maxWaitMs,
      ...(r.pollMs !== undefined ? { pollMs: r.pollMs } : {}),
      ...(r.sleep ? { sleep: r.sleep } : {}),
      ...(r.now ? { now: r.now } : {}),
      ...(r.onLine ? { onLine: r.onLine } : {}),
      onStarted: (arn) => r.onStarted?.(arn, r.purpose),
      ...(r.onProgress ? { onProgress: r.onProgress } : {}),
      ...(r.progressEveryMs !== undefined ? { progressEveryMs: r.progressEveryMs } : {}),
    },
  );
}
