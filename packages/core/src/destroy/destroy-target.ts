// What a destroy works on, with no I/O. On branch deletion the settings.yml is gone, so the names
// come from the preview_link (siteNames), the host from the platform's domain, and the data — DB
// names, user, moodledata folder, log group — from the site's registry entry; a plan, when a
// settings file is given, is used for them too.
import { ConfigurationError } from '../errors.js';
import {
  MAX_PREVIEW_LINK_LENGTH,
  SUITE_NAME,
  TAG_MANAGED_BY,
  TAG_SITE,
  siteNames,
  DNS_LABEL,
  type SiteNames,
} from '../naming.js';
import { sqlTaskFamily } from '../db/sql-task.js';
import type { SitePlan, Tags } from '../plan/site-plan.js';
import type { SiteRegistryEntry } from '../registry/site-registry.js';
import type { Platform } from '../settings/platform-schema.js';

/** The site's data: what purge-data removes and what is otherwise kept. */
export interface SiteData {
  dbHost: string;
  dbPort: number;
  /** Current and retired databases, each once. */
  databases: string[];
  users: string[];
  /** Folder names under the EFS root, current and retired. */
  moodledataFolders: string[];
  /** Where the EFS root is mounted in the site's containers. */
  mountPath: string;
  /** The site's cron log on the EFS, written by runcron.sh. */
  cronLogPath: string;
  secrets: string[];
  logGroup: string;
  /** Where the names came from, for the log. */
  source: 'registry' | 'settings' | 'registry and settings' | 'names only';
}

export interface DestroyTarget {
  link: string;
  names: SiteNames;
  /** The host header of the site's listener rule. */
  host: string;
  cluster: string;
  listenerArns: readonly string[];
  /** Application Auto Scaling's id of the service. */
  scalingResourceId: string;
  sqlTaskFamily: string;
  /** The tags the suite puts on what it creates for this site (platform tags, then ours). */
  tags: Tags;
  data: SiteData;
}

/** Refuses a preview_link that cannot be a site's before anything reads AWS. */
export function checkPreviewLink(link: string): void {
  if (!DNS_LABEL.test(link) || link.length > MAX_PREVIEW_LINK_LENGTH)
    throw new ConfigurationError(
      `preview-link ${JSON.stringify(link)} is not a site name: a lowercase DNS label (letters, digits and -, ` +
        `starting and ending with a letter or digit) of at most ${MAX_PREVIEW_LINK_LENGTH} characters`,
    );
}

const unique = (names: readonly (string | undefined)[]) => [
  ...new Set(names.filter((n): n is string => Boolean(n))),
];

export function destroyTarget(
  link: string,
  platform: Platform,
  entry?: SiteRegistryEntry,
  plan?: SitePlan,
): DestroyTarget {
  checkPreviewLink(link);
  if (plan && plan.site !== link)
    throw new ConfigurationError(
      `the settings file is for site ${plan.site}, not ${link}: give the settings of the site being destroyed, or none`,
    );
  const names = siteNames(link);
  const mountPath = (plan?.resources.moodledata.spec.mountPath ?? platform.efs.mount_path).replace(
    /\/+$/,
    '',
  );
  const planDb = plan?.resources.databases.spec;
  if (planDb && entry && planDb.server.host !== entry.dbHost)
    throw new ConfigurationError(
      `the settings put ${link}'s databases on ${planDb.server.host}, its registry entry on ${entry.dbHost}; ` +
        'destroy without the settings file to use what the registry recorded',
    );
  const retired = (kind: string) => (entry?.retired ?? []).filter((r) => r.kind === kind).map((r) => r.name);
  const data: SiteData = {
    dbHost: planDb?.server.host ?? entry?.dbHost ?? platform.db.writer_host,
    dbPort: planDb?.server.port ?? platform.db.port,
    databases: unique([
      ...(planDb?.databases.map((d) => d.name) ?? []),
      entry?.databases.moodle,
      entry?.databases.mim,
      ...retired('database'),
    ]),
    users: unique([plan?.resources.dbUser.spec.name, entry?.dbUser, ...retired('db-user')]),
    moodledataFolders: unique([
      plan?.resources.moodledata.spec.folder,
      entry?.moodledataFolder,
      ...retired('moodledata'),
    ]),
    mountPath,
    cronLogPath: `${mountPath}/cron_logs/cron_${link}.log`,
    secrets: unique([names.dbSecretName, ...retired('db-secret')]),
    logGroup:
      plan?.resources.logGroup.spec.logGroupName ??
      entry?.logGroup ??
      `${platform.logs.group_prefix.replace(/\/+$/, '')}/${link}`,
    source: plan && entry ? 'registry and settings' : plan ? 'settings' : entry ? 'registry' : 'names only',
  };
  return {
    link,
    names,
    host: `${link}.${platform.domain}`,
    cluster: platform.cluster,
    listenerArns: platform.alb.https_listener_arns,
    scalingResourceId: `service/${platform.cluster}/${names.serviceName}`,
    sqlTaskFamily: sqlTaskFamily(link),
    tags: { ...platform.tags, [TAG_SITE]: link, [TAG_MANAGED_BY]: SUITE_NAME },
    data,
  };
}

/** What a deleted branch leaves to destroy: the site it deployed, or why there is none. */
export interface BranchSite {
  /** The site to destroy; absent when the branch deployed none that is still up. */
  previewLink?: string;
  /** How it was found, or why nothing is to be done: for the log and the summary. */
  note: string;
}

/**
 * The site a branch of a repository deployed, from the registry's `deployedFrom`. A destroyed site
 * (data kept) is not one to destroy again; several live sites from one branch are refused, naming
 * them, for the caller to say which. An entry written before branches were recorded is matched by
 * its name, as the branch-named-like-its-site convention had it, only when no entry records the branch.
 */
export function siteOfBranch(
  entries: readonly SiteRegistryEntry[],
  repository: string,
  branch: string,
): BranchSite {
  const where = `branch ${branch} of ${repository}`;
  const deployed = entries.filter(
    (e) => e.deployedFrom?.repository === repository && e.deployedFrom.branch === branch,
  );
  const live = deployed.filter((e) => !e.destroyedAt);
  if (live.length > 1)
    throw new ConfigurationError(
      `${where} deployed ${live.length} sites that are up (${live.map((e) => e.previewLink).join(', ')}); ` +
        'name the one to destroy with preview-link',
    );
  if (live.length === 1) return { previewLink: live[0]!.previewLink, note: `deployed from ${where}` };
  if (deployed.length > 0)
    return {
      note: `${where} deployed ${deployed.map((e) => e.previewLink).join(', ')}, already destroyed on ${deployed[0]!.destroyedAt}`,
    };
  const legacy = entries.find((e) => e.previewLink === branch && !e.deployedFrom && !e.destroyedAt);
  if (legacy)
    return {
      previewLink: legacy.previewLink,
      note: `named like ${where} (its registry entry predates branch records)`,
    };
  return { note: `no site in the registry was deployed from ${where}; nothing to destroy` };
}
