// Least-privilege IAM policies for each role of the suite, generated for one platform
// (`mdl-preview iam ROLE --platform FILE`; docs/iam/*.json are the examples for workflows-examples/platform.yml).
import type { Platform } from '../settings/platform-schema.js';
import { toDocument, type Grant, type PolicyDocument } from './policy.js';
import { IAM_ROLES, ROLE_GRANTS, type IamRole } from './roles.js';
import { iamScope, type IamOptions } from './scope.js';

export { IAM_ROLES, type IamRole } from './roles.js';
export { isMutating, type Grant, type PolicyDocument, type PolicyStatement } from './policy.js';
export { iamScope, SUITE_TASK_FAMILIES, type IamOptions, type IamScope } from './scope.js';

export const isIamRole = (name: string): name is IamRole => (IAM_ROLES as readonly string[]).includes(name);

/** The role's statements with the reason beside each one left on `*`. */
export function iamGrants(role: IamRole, platform: Platform, options: IamOptions = {}): Grant[] {
  return ROLE_GRANTS[role](iamScope(platform, options));
}

/** The role's policy document for this platform. */
export function iamPolicy(role: IamRole, platform: Platform, options: IamOptions = {}): PolicyDocument {
  return toDocument(iamGrants(role, platform, options));
}
