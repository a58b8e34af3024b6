// The site's CloudWatch log group, with its retention and ownership tags.
import {
  CreateLogGroupCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  ResourceAlreadyExistsException,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import type { DeployEnv, Inspection } from '../types.js';
import { checkOwned } from './ownership.js';

export async function inspectLogGroup(env: DeployEnv): Promise<Inspection> {
  const spec = env.plan.resources.logGroup.spec;
  const base = { id: 'logGroup' as const, name: spec.logGroupName };
  let found: { arn?: string; retentionInDays?: number } | undefined;
  for await (const page of paginateDescribeLogGroups(
    { client: env.clients.logs },
    { logGroupNamePrefix: spec.logGroupName },
  )) {
    const g = page.logGroups?.find((lg) => lg.logGroupName === spec.logGroupName);
    if (g) {
      found = { arn: g.arn?.replace(/:\*$/, ''), retentionInDays: g.retentionInDays };
      break;
    }
  }
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
  const tags = await env.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: found.arn }));
  checkOwned(env, {
    id: 'logGroup',
    kind: 'log group',
    name: spec.logGroupName,
    arn: found.arn,
    tags: tags.tags ?? {},
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
