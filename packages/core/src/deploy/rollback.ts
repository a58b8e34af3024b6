// Point a site's service back at an earlier task definition revision and wait as a deploy does.
// Only the service changes: a rollback never touches databases, moodledata or the registry.
import {
  ClientException,
  DescribeTaskDefinitionCommand,
  UpdateServiceCommand,
  paginateListTaskDefinitions,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/clients.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import { DNS_LABEL, siteNames } from '../naming.js';
import type { Platform } from '../settings/platform-schema.js';
import { checkCredentials } from '../aws/credentials.js';
import { tagRecord } from './normalise.js';
import { assertOwned } from '../resources/ownership.js';
import { describeServiceByName } from '../resources/service.js';
import { waitForDeployment } from './wait.js';

export interface RollbackOptions {
  clients: AwsClients;
  platform: Platform;
  previewLink: string;
  /** A revision number, `family:revision` or a task definition ARN; default: the one before the current. */
  to?: string;
  log: Logger;
  wait: boolean;
  waitMinutes: number;
  waiter?: { minDelay: number; maxDelay: number };
}

export interface RollbackResult {
  service: string;
  from: string;
  to: string;
  changed: boolean;
  deploymentId?: string;
}

const revisionOf = (arn: string | undefined) => Number(/:(\d+)$/.exec(arn ?? '')?.[1]);

/** ACTIVE revisions of a family, newest first (paged ListTaskDefinitions). */
async function activeRevisions(clients: AwsClients, family: string): Promise<string[]> {
  const arns: string[] = [];
  const pages = paginateListTaskDefinitions(
    { client: clients.ecs },
    { familyPrefix: family, status: 'ACTIVE', sort: 'DESC' },
  );
  for await (const page of pages)
    arns.push(...(page.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()?.startsWith(`${family}:`)));
  return arns.sort((a, b) => revisionOf(b) - revisionOf(a));
}

async function resolveTarget(
  clients: AwsClients,
  family: string,
  current: string,
  to: string | undefined,
): Promise<string> {
  if (to === undefined) {
    const older = (await activeRevisions(clients, family)).filter((a) => revisionOf(a) < revisionOf(current));
    if (!older[0]) {
      throw new ConfigurationError(
        `${family} has no ACTIVE revision before ${current.split('/').pop()}: nothing to roll back to`,
      );
    }
    return older[0];
  }
  const wanted = /^\d+$/.test(to) ? `${family}:${to}` : to;
  const name = wanted.split('/').pop() ?? wanted;
  if (!name.startsWith(`${family}:`))
    throw new ConfigurationError(`--to ${to} is not a revision of ${family}`);
  try {
    const out = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: wanted }));
    const td = out.taskDefinition;
    if (td?.status !== 'ACTIVE')
      throw new ConfigurationError(`${name} is ${td?.status ?? 'unknown'}; only ACTIVE revisions can run`);
    return td.taskDefinitionArn!;
  } catch (err) {
    if (err instanceof ClientException) throw new ConfigurationError(`${name} does not exist`);
    throw err;
  }
}

export async function rollbackSite(options: RollbackOptions): Promise<RollbackResult> {
  const { clients, platform, previewLink, log } = options;
  if (!DNS_LABEL.test(previewLink))
    throw new ConfigurationError(`"${previewLink}" is not a preview_link (a DNS label)`);
  await checkCredentials(clients);
  const names = siteNames(previewLink);
  const service = await describeServiceByName(clients, platform.cluster, names.serviceName);
  if (!service)
    throw new ConfigurationError(
      `site ${previewLink} has no service ${names.serviceName} in ${platform.cluster}`,
    );
  assertOwned('service', names.serviceName, tagRecord(service.tags), previewLink);
  const current = service.taskDefinition!;
  const target = await resolveTarget(clients, names.taskFamily, current, options.to);
  const result = { service: names.serviceName, from: current, to: target };
  if (target === current) {
    log.info(`${names.serviceName} already runs ${current.split('/').pop()}`);
    return { ...result, changed: false };
  }
  log.info(
    `rolling ${names.serviceName} back from ${current.split('/').pop()} to ${target.split('/').pop()}`,
  );
  // Only the task definition: desired count (auto scaling's) and everything else stay as they are.
  const out = await clients.ecs.send(
    new UpdateServiceCommand({
      cluster: platform.cluster,
      service: names.serviceName,
      taskDefinition: target,
    }),
  );
  const deploymentId = out.service?.deployments?.find((d) => d.status === 'PRIMARY')?.id;
  if (options.wait && deploymentId) {
    await log.group(`Waiting for deployment ${deploymentId}`, () =>
      waitForDeployment({
        clients,
        log,
        cluster: platform.cluster,
        service: names.serviceName,
        deploymentId,
        maxWaitMinutes: options.waitMinutes,
        waiter: options.waiter ?? { minDelay: 5, maxDelay: 30 },
      }),
    );
  }
  return { ...result, changed: true, ...(deploymentId ? { deploymentId } : {}) };
}
