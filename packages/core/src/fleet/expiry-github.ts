// The sweep's word on GitHub, in the repository and branch that deployed each site (the registry
// records them): a site expiring soon gets one comment on its branch's open pull request, edited on
// later days instead of repeated; a site the sweep destroyed gets its environment's deployments
// marked inactive, as destroy-instance does. A site whose repository the token cannot reach is a
// warning for that site; the others go on.
import { describeError } from '../errors.js';
import { deactivateEnvironment, previewEnvironment } from '../github/deployments.js';
import { commentMarker, openPullRequest, upsertComment } from '../github/pr-comment.js';
import { type GitHubRest, parseRepository } from '../github/rest.js';
import type { Logger } from '../logger.js';
import type { ExpiringSite, SweepResult } from './expiry-sweep.js';

export interface ExpiryNotices {
  /** Sites whose pull request was commented (created or edited), as `site → #number`. */
  commented: { site: string; pullRequest: number }[];
  /** Expiring sites with no open pull request (or no recorded branch). */
  withoutPullRequest: string[];
  /** Destroyed sites whose environment was marked inactive. */
  deactivated: string[];
  /** Sites GitHub refused or could not be reached for, with why. */
  failed: { site: string; error: string }[];
}

/** What the comment on an expiring site's pull request says. */
export function expiryComment(s: ExpiringSite): string {
  return [
    `The preview [${s.site}](${s.url}) expires on **${s.expiresOn}** (${s.daysLeft} day(s) left): it is then ` +
      'destroyed, its data kept for a while.',
    'To keep it, set a later `expires: YYYY-MM-DD` (or `pinned: true`) in settings.yml and push.',
  ].join('\n');
}

export async function noticeExpiryOnGitHub(o: {
  result: SweepResult;
  rest: GitHubRest;
  log: Logger;
}): Promise<ExpiryNotices> {
  const notices: ExpiryNotices = { commented: [], withoutPullRequest: [], deactivated: [], failed: [] };
  const { result, rest, log } = o;
  for (const s of result.expiring) {
    if (!s.deployedFrom) {
      notices.withoutPullRequest.push(s.site);
      continue;
    }
    try {
      const repository = parseRepository(s.deployedFrom.repository);
      const number = await openPullRequest(rest, repository, s.deployedFrom.branch);
      if (number === undefined) {
        log.info(`${s.site}: no open pull request for ${s.deployedFrom.branch}`);
        notices.withoutPullRequest.push(s.site);
        continue;
      }
      if (!result.dryRun)
        await upsertComment(rest, repository, number, commentMarker('expiry', s.site), expiryComment(s), log);
      notices.commented.push({ site: s.site, pullRequest: number });
    } catch (err) {
      log.warning(`${s.site}: its pull request is not told: ${describeError(err)}`);
      notices.failed.push({ site: s.site, error: describeError(err) });
    }
  }
  for (const site of result.destroyed) {
    const from = result.expired.find((s) => s.site === site)?.deployedFrom;
    if (!from) continue;
    try {
      await deactivateEnvironment(rest, parseRepository(from.repository), previewEnvironment(site), { log });
      notices.deactivated.push(site);
    } catch (err) {
      log.warning(`${site}: its environment's deployments are still shown as active: ${describeError(err)}`);
      notices.failed.push({ site, error: describeError(err) });
    }
  }
  return notices;
}
