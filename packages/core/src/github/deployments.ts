// A site's GitHub environment: deploy-instance's job runs in `preview/<preview_link>` with the site's
// URL, so GitHub records a deployment per deploy and the branch and its pull requests show "View
// deployment". When the site is destroyed, its deployments are marked inactive so none of them still
// links to a site that is gone (https://docs.github.com/en/rest/deployments/statuses: an `inactive`
// status; GitHub lists a deployment's statuses newest first).
import type { Logger } from '../logger.js';
import { bestEffortOnRepository, GitHubRest, type Repository, repositoryName } from './rest.js';

/** The GitHub environment a site's deploy job runs in. */
export const previewEnvironment = (previewLink: string) => `preview/${previewLink}`;

interface RawDeployment {
  id: number;
  environment: string;
  ref?: string;
}

interface RawStatus {
  state: string;
  environment_url?: string;
}

export interface DeactivateResult {
  environment: string;
  /** Deployments of the environment. */
  deployments: number;
  /** Ids given an inactive status by this run (with dryRun: that would be). */
  deactivated: number[];
}

/**
 * Give every deployment of `environment` whose newest status is not already `inactive` an inactive
 * status. Deployments of other environments are not touched; a second run adds nothing.
 */
export async function deactivateEnvironment(
  rest: GitHubRest,
  repository: Repository,
  environment: string,
  options: { log: Logger; dryRun?: boolean; description?: string },
): Promise<DeactivateResult> {
  const base = `/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.repo)}/deployments`;
  const deployments = await rest.paginate<RawDeployment>(
    `${base}?environment=${encodeURIComponent(environment)}`,
    `list the deployments of ${environment} in ${repositoryName(repository)}`,
  );
  const deactivated: number[] = [];
  for (const d of deployments) {
    // The filter is GitHub's; a server that ignored it must not make us touch other environments.
    if (d.environment !== environment) continue;
    const [latest] = await rest.request<RawStatus[]>(
      'GET',
      `${base}/${d.id}/statuses?per_page=1`,
      `read the status of deployment ${d.id}`,
    );
    if (latest?.state === 'inactive') continue;
    deactivated.push(d.id);
    if (options.dryRun) continue;
    await rest.request('POST', `${base}/${d.id}/statuses`, `mark deployment ${d.id} inactive`, {
      state: 'inactive',
      description: (options.description ?? 'the preview site was destroyed').slice(0, 140),
    });
  }
  options.log.info(
    deactivated.length
      ? `${environment}: ${options.dryRun ? 'would mark' : 'marked'} ${deactivated.length} of ${deployments.length} deployment(s) inactive`
      : `${environment}: no active deployment (${deployments.length} in all)`,
  );
  return { environment, deployments: deployments.length, deactivated };
}

/**
 * After a destroy in a workflow run: mark the site's environment's deployments in this repository
 * inactive. A failure (the job lacks `deployments: write`, GitHub cannot be reached) is a warning that
 * says why: the site is gone either way, and the next destroy run (a no-op on AWS) finishes this.
 */
export async function deactivateSiteEnvironment(options: {
  token: string | undefined;
  env: NodeJS.ProcessEnv;
  previewLink: string;
  dryRun: boolean;
  log: Logger;
}): Promise<DeactivateResult | undefined> {
  const { log } = options;
  const environment = previewEnvironment(options.previewLink);
  return bestEffortOnRepository(
    {
      ...options,
      permissionHelp: 'deployments: write',
      skipped: {
        level: 'info',
        message: `no github-token (or GITHUB_REPOSITORY): the deployments of ${environment} are left as they are`,
      },
      failed: `the deployments of ${environment} are still shown as active`,
    },
    (rest, repository) =>
      deactivateEnvironment(rest, repository, environment, { log, dryRun: options.dryRun }),
  );
}
