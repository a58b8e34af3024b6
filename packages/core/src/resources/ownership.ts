// The suite changes only what it owns: resources tagged as the site's and the suite's.
import { ConfigurationError } from '../errors.js';
import { SUITE_NAME, TAG_MANAGED_BY, TAG_SITE } from '../naming.js';
import type { DeployEnv, OwnershipFinding } from '../deploy/types.js';

/** Throws before any change when an existing resource of the site's name is not ours. */
export function assertOwned(
  kind: string,
  name: string,
  tags: Record<string, string>,
  previewLink: string,
): void {
  if (tags[TAG_MANAGED_BY] === SUITE_NAME && tags[TAG_SITE] === previewLink) return;
  const owner = tags[TAG_MANAGED_BY]
    ? `managed by ${tags[TAG_MANAGED_BY]} for site ${tags[TAG_SITE] ?? '?'}`
    : 'not tagged by moodle-preview-actions';
  throw new ConfigurationError(
    `${kind} ${name} already exists and is ${owner}; the suite only changes what it owns. ` +
      `If it is this site's (built by Terraform), adopt it first with \`mdl-preview adopt\`; otherwise choose another preview_link.`,
  );
}

/** The engine's ownership check: refuse what is not ours, unless adopt asked to be told instead. */
export function checkOwned(env: DeployEnv, found: OwnershipFinding): void {
  if (env.onOwnership) env.onOwnership(found);
  else assertOwned(found.kind, found.name, found.tags, env.plan.site);
}
