// Every AWS and MySQL name the suite derives from a site's preview_link, and the limits they impose.
// One place, so the validator, the planner and later the adopt/destroy code agree on them.

/** Target group names are at most 32 characters (ELBv2 CreateTargetGroup) and ours are `mdl-<link>`. */
export const TARGET_GROUP_PREFIX = 'mdl-';
export const MAX_TARGET_GROUP_NAME = 32;
export const MAX_PREVIEW_LINK_LENGTH = MAX_TARGET_GROUP_NAME - TARGET_GROUP_PREFIX.length;
/** MySQL 8: database names up to 64 characters, user names up to 32. */
export const MAX_DB_NAME_LENGTH = 64;
export const MAX_DB_USER_LENGTH = 32;

export const SUITE_NAME = 'moodle-preview-actions';
export const TAG_SITE = 'moodle-preview:site';
export const TAG_MANAGED_BY = 'moodle-preview:managed-by';

/** A lowercase DNS label (RFC 1123), as used in `<preview_link>.<domain>`. */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** An unquoted MySQL identifier that needs no quoting anywhere we use it (no `$`, not all digits). */
export const MYSQL_IDENTIFIER = /^(?![0-9]+$)[A-Za-z0-9_]+$/;

export interface SiteNames {
  taskFamily: string;
  containerName: string;
  serviceName: string;
  targetGroupName: string;
  scalingPolicyName: string;
  dbSecretName: string;
  registryParameter: string;
  /** Default database and user name: `mdl_` and the link with hyphens as underscores. */
  defaultDbName: string;
  defaultDbUser: string;
  defaultRedisPrefix: string;
}

export function siteNames(previewLink: string): SiteNames {
  const ident = previewLink.replace(/-/g, '_');
  return {
    taskFamily: `mdl_ecs_task_def-${previewLink}`,
    containerName: previewLink,
    serviceName: `mdl-${previewLink}`,
    targetGroupName: `${TARGET_GROUP_PREFIX}${previewLink}`,
    scalingPolicyName: `mdl-${previewLink}-cpu`,
    dbSecretName: `moodle-preview/sites/${previewLink}/db`,
    registryParameter: `/moodle-preview/sites/${previewLink}`,
    defaultDbName: `mdl_${ident}`,
    defaultDbUser: `mdl_${ident}`,
    defaultRedisPrefix: `mdl_${previewLink}`,
  };
}
