// The site's CloudWatch log group: created with its retention and the suite's tags, its retention
// kept at the platform's; data, so a destroy keeps it unless it purges (the site's last logs are what
// one reads when asking why it went away).
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  TagResourceCommand,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import type { AwsClients } from '../aws/clients.js';
import { checkOwned } from './ownership.js';
import type { DeployEnv, Inspection } from '../deploy/types.js';
import { KEEP_NOTE, ownedBy, type DestroyEnv, type Removal } from '../destroy/types.js';
import type { SiteResource } from './types.js';
import { planLogGroup } from './log-group.plan.js';

const KIND = 'log group';

interface Found {
  /** Without the `:*` CloudWatch adds to a group's ARN. */
  arn: string;
  retentionInDays?: number;
}

/** The log group of exactly this name (DescribeLogGroups matches a prefix). */
async function read(clients: AwsClients, name: string): Promise<Found | undefined> {
  for await (const page of paginateDescribeLogGroups(
    { client: clients.logs },
    { logGroupNamePrefix: name },
  )) {
    const g = page.logGroups?.find((lg) => lg.logGroupName === name);
    if (g) return { arn: g.arn?.replace(/:\*$/, '') ?? '', retentionInDays: g.retentionInDays };
  }
  return undefined;
}

async function tagsOf(clients: AwsClients, arn: string): Promise<Record<string, string>> {
  return (await clients.logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {};
}

async function inspect(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.logGroup.spec;
  const base = { id: 'logGroup' as const, name: spec.logGroupName };
  const found = await read(env.clients, spec.logGroupName);
  const setRetention = () =>
    env.clients.logs.send(
      new PutRetentionPolicyCommand({
        logGroupName: spec.logGroupName,
        retentionInDays: spec.retentionInDays,
      }),
    );
  if (!found) {
    return {
      ...base,
      action: 'create',
      changes: [`create with retention ${spec.retentionInDays} days`],
      apply: async () => {
        try {
          await env.clients.logs.send(
            new CreateLogGroupCommand({ logGroupName: spec.logGroupName, tags: spec.tags }),
          );
        } catch (err) {
          // Created by an interrupted run between our read and now: converge it like any other.
          if (!(err instanceof ResourceAlreadyExistsException)) throw err;
        }
        await setRetention();
        return spec.logGroupName;
      },
    };
  }
  checkOwned(env, {
    id: 'logGroup',
    kind: KIND,
    name: spec.logGroupName,
    arn: found.arn,
    tags: await tagsOf(env.clients, found.arn),
  });
  if (found.retentionInDays === spec.retentionInDays)
    return { ...base, action: 'none', changes: [], arn: found.arn };
  return {
    ...base,
    action: 'update',
    arn: found.arn,
    changes: [`retention: ${found.retentionInDays ?? 'never expire'} → ${spec.retentionInDays} days`],
    apply: async () => {
      await setRetention();
      return found.arn;
    },
  };
}

async function removals(env: DestroyEnv): Promise<Removal[]> {
  const { clients, target } = env;
  const name = target.data.logGroup;
  const base = { resource: KIND, name, data: true, step: 'data records' as const };
  const found = await read(clients, name);
  if (!found) return [{ ...base, plan: 'gone' }];
  if (!ownedBy(await tagsOf(clients, found.arn), target.link))
    return [{ ...base, plan: 'not-ours', note: 'not tagged as this site’s' }];
  if (!env.purge) return [{ ...base, plan: 'keep', note: KEEP_NOTE }];
  return [
    {
      ...base,
      plan: 'remove',
      apply: async () => {
        try {
          await clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
          return 'removed';
        } catch (err) {
          if (err instanceof ResourceNotFoundException) return 'already gone';
          throw err;
        }
      },
    },
  ];
}

export const logGroup = {
  id: 'logGroup',
  kind: KIND,
  plan: planLogGroup,
  inspect,
  removals,
  tag: async (clients, arn, tags) => {
    await clients.logs.send(new TagResourceCommand({ resourceArn: arn, tags }));
  },
} satisfies SiteResource<'logGroup'>;
