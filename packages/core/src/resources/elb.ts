// What the target group and the listener rule share of Elastic Load Balancing: tags (read and
// added: one call for either kind of resource) and how a rule names its hosts.
import { AddTagsCommand, DescribeTagsCommand, type Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { tagRecord } from '../deploy/normalise.js';

export async function elbTags(clients: AwsClients, arn: string): Promise<Record<string, string>> {
  const out = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
  return tagRecord(out.TagDescriptions?.[0]?.Tags);
}

export async function addElbTags(
  clients: AwsClients,
  arn: string,
  tags: Record<string, string>,
): Promise<void> {
  await clients.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: awsTags(tags) }));
}

export const awsTags = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** The host names a rule's host-header conditions match (in either of the two forms AWS reports). */
export const hostsOf = (rule: Rule): string[] =>
  (rule.Conditions ?? []).flatMap((c) =>
    c.Field === 'host-header' ? [...(c.HostHeaderConfig?.Values ?? []), ...(c.Values ?? [])] : [],
  );
