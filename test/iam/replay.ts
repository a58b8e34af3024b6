// Replays the calls a test run made against the AWS fake through the IAM simulator, against one
// role's generated policy: what the suite does must be what its policy lets it do, call by call.
import { expect } from '@jest/globals';
import type { CallRecord } from '@moodle-preview/aws-fake';
import type { IamOptions, IamRole, Platform } from '@moodle-preview/core';
import { describeRequest, evaluate } from './evaluate.js';
import { callerAs, examplePlatform, policyOf } from './policies.js';

export interface Replay {
  /** Authorisations replayed (a call can imply several). */
  authorizations: number;
  /** The IAM actions replayed, sorted: what the run exercised. */
  actions: string[];
  /** What the policy did not allow, and the calls the fake could not say the authorisations of. */
  problems: string[];
}

export async function replay(
  calls: readonly CallRecord[],
  role: IamRole,
  options: {
    iam?: IamOptions;
    /** The platform the run used, as its text (a test world's, whose admin secret ARN is the fake's). */
    platformText?: string;
    platform?: Platform;
    context?: Record<string, string>;
  } = {},
): Promise<Replay> {
  const platform =
    options.platform ?? (options.platformText ? examplePlatform(options.platformText) : examplePlatform());
  const policy = policyOf(role, options.iam, platform);
  const caller = callerAs(role, options.context);
  const problems: string[] = [];
  const actions = new Set<string>();
  let authorizations = 0;
  const seen = new Set<string>();
  for (const call of calls) {
    if (!call.authorizations) {
      problems.push(`#${call.seq} ${call.service}:${call.action}: the fake recorded no authorisation`);
      continue;
    }
    for (const a of call.authorizations) {
      const key = JSON.stringify(a);
      if (seen.has(key)) continue;
      seen.add(key);
      authorizations++;
      actions.add(a.action);
      const decision = await evaluate(policy, a, caller).catch((err: Error) => err.message);
      if (decision !== 'Allowed') problems.push(`#${call.seq} ${decision}: ${describeRequest(a)}`);
    }
  }
  return { authorizations, actions: [...actions].sort(), problems };
}

/** Every recorded call of the run is allowed by the role's policy (and the run made some). */
export async function expectAllowedAs(
  calls: readonly CallRecord[],
  role: IamRole,
  options: Parameters<typeof replay>[2] = {},
): Promise<Replay> {
  const r = await replay(calls, role, options);
  expect(r.problems).toEqual([]);
  expect(r.authorizations).toBeGreaterThan(0);
  return r;
}
