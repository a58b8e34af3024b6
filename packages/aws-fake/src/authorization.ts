// What IAM authorises for a call, as the fake records it (CallRecord.authorizations): the pieces each
// service's `authorize` builds its requests from. Resource ARN formats and condition keys per action:
// the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
import type { AuthorizationRequest } from './types.js';
import { text } from './params.js';

export type TagMap = Record<string, string>;

export const authz = (
  action: string,
  resource: string,
  ...contexts: AuthorizationRequest['context'][]
): AuthorizationRequest => ({
  action,
  resource,
  context: Object.assign({}, ...contexts) as AuthorizationRequest['context'],
});

/** A resource's tags before the call: `aws:ResourceTag/<key>`. */
export function resourceTags(tags: TagMap | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}

/** The tags a request carries: `aws:RequestTag/<key>` and `aws:TagKeys` (absent when there are none). */
export function requestTags(tags: TagMap | undefined): Record<string, string | string[]> {
  const entries = Object.entries(tags ?? {});
  if (!entries.length) return {};
  return {
    ...Object.fromEntries(entries.map(([k, v]) => [`aws:RequestTag/${k}`, v])),
    'aws:TagKeys': entries.map(([k]) => k),
  };
}

/** Tags from the two wire shapes: `[{Key, Value}]` / `[{key, value}]` lists and `{k: v}` maps. */
export function tagMap(raw: unknown): TagMap {
  if (Array.isArray(raw))
    return Object.fromEntries(
      raw.map((t: Record<string, unknown>) => [text(t.Key ?? t.key ?? ''), text(t.Value ?? t.value ?? '')]),
    );
  if (raw && typeof raw === 'object')
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, String(v)]));
  return {};
}

/** iam:PassRole for each role handed to a service (a role named by ARN). */
export const passRoles = (roles: (string | undefined)[], service: string): AuthorizationRequest[] =>
  [...new Set(roles.filter((r): r is string => !!r))].map((role) =>
    authz('iam:PassRole', role, { 'iam:PassedToService': service }),
  );

/** A list member of a query-protocol request (`Names.member.1` … parsed as an array or a single value). */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
