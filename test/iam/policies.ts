// The generated policies for the example platform (workflows-examples/platform.yml), the role ARN
// each test signs as, and small builders of authorisation requests.
import { readFileSync } from 'node:fs';
import type { AuthorizationRequest } from '@moodle-preview/aws-fake';
import {
  checkPlatformText,
  iamPolicy,
  type IamOptions,
  type IamRole,
  type Platform,
  type PolicyDocument,
} from '@moodle-preview/core';
import type { Caller } from './evaluate.js';

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';
export const EXAMPLE_PLATFORM_FILE = 'workflows-examples/platform.yml';

let example: Platform | undefined;

/** The platform of `text` (a test world's), or the example platform, read once. */
export function examplePlatform(text?: string): Platform {
  if (text === undefined) return (example ??= examplePlatform(readFileSync(EXAMPLE_PLATFORM_FILE, 'utf8')));
  const loaded = checkPlatformText(EXAMPLE_PLATFORM_FILE, text);
  if (!loaded.value) throw new Error(`the example platform is invalid: ${JSON.stringify(loaded.problems)}`);
  return loaded.value;
}

export const policyOf = (
  role: IamRole,
  options: IamOptions = {},
  platform = examplePlatform(),
): PolicyDocument => iamPolicy(role, platform, options);

export const callerAs = (role: IamRole, context?: Caller['context']): Caller => ({
  account: ACCOUNT,
  principal: `arn:aws:iam::${ACCOUNT}:role/moodle-preview-${role}`,
  ...(context ? { context } : {}),
});

export const arn = (service: string, resource: string, region = REGION) =>
  `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

export const request = (
  action: string,
  resource: string,
  context: AuthorizationRequest['context'] = {},
): AuthorizationRequest => ({ action, resource, context });

/** The suite's managed-by tag as a resource's (or a request's) tag context. */
export const OURS = (prefix: 'aws:ResourceTag' | 'aws:RequestTag' = 'aws:ResourceTag') => ({
  [`${prefix}/moodle-preview:managed-by`]: 'moodle-preview-actions',
});
