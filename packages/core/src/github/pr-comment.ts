// One comment per subject on a pull request, edited in place on the next run instead of a new one
// each push: the comment opens with a hidden marker (`<!-- moodle-preview:plan:<site> -->`) and was
// written by a bot account (the job's GITHUB_TOKEN writes as github-actions[bot]); a person's comment
// that quotes the marker is never edited. https://docs.github.com/en/rest/issues/comments
import type { Logger } from '../logger.js';
import { bestEffortOnRepository, GitHubRest, type Repository, repositoryName } from './rest.js';

/** The hidden first line that finds a comment again. */
export const commentMarker = (kind: string, subject: string) => `<!-- moodle-preview:${kind}:${subject} -->`;

interface RawComment {
  id: number;
  body?: string;
  html_url?: string;
  user?: { login?: string; type?: string } | null;
}

export interface CommentResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

const issuePath = (r: Repository) =>
  `/repos/${encodeURIComponent(r.owner)}/${encodeURIComponent(r.repo)}/issues`;

/** The comment this suite wrote before under `marker`, if any (the oldest, when there are several). */
export async function findComment(
  rest: GitHubRest,
  repository: Repository,
  issueNumber: number,
  marker: string,
): Promise<RawComment | undefined> {
  const comments = await rest.paginate<RawComment>(
    `${issuePath(repository)}/${issueNumber}/comments`,
    `list the comments of #${issueNumber} in ${repositoryName(repository)}`,
  );
  return comments.find((c) => c.user?.type === 'Bot' && (c.body ?? '').startsWith(marker));
}

/** Create the marked comment, or edit the one there; an identical body is left alone. */
export async function upsertComment(
  rest: GitHubRest,
  repository: Repository,
  issueNumber: number,
  marker: string,
  text: string,
  log: Logger,
): Promise<CommentResult> {
  const body = `${marker}\n${text}`;
  const existing = await findComment(rest, repository, issueNumber, marker);
  if (existing && existing.body === body) {
    log.info(`the comment on #${issueNumber} already says this`);
    return { action: 'unchanged', id: existing.id, url: existing.html_url ?? '' };
  }
  if (existing) {
    const c = await rest.request<RawComment>(
      'PATCH',
      `${issuePath(repository)}/comments/${existing.id}`,
      `edit comment ${existing.id} on #${issueNumber}`,
      { body },
    );
    log.info(`updated the comment on #${issueNumber}: ${c.html_url ?? c.id}`);
    return { action: 'updated', id: c.id, url: c.html_url ?? '' };
  }
  const c = await rest.request<RawComment>(
    'POST',
    `${issuePath(repository)}/${issueNumber}/comments`,
    `comment on #${issueNumber}`,
    { body },
  );
  log.info(`commented on #${issueNumber}: ${c.html_url ?? c.id}`);
  return { action: 'created', id: c.id, url: c.html_url ?? '' };
}

/** The number of the open pull request whose head is `branch` in the same repository, if any. */
export async function openPullRequest(
  rest: GitHubRest,
  repository: Repository,
  branch: string,
): Promise<number | undefined> {
  const pulls = await rest.paginate<{
    number: number;
    head?: { ref?: string; repo?: { full_name?: string } };
  }>(
    `/repos/${encodeURIComponent(repository.owner)}/${encodeURIComponent(repository.repo)}/pulls?state=open&head=${encodeURIComponent(`${repository.owner}:${branch}`)}`,
    `list the open pull requests of ${branch} in ${repositoryName(repository)}`,
  );
  return pulls.find(
    (p) =>
      p.head?.ref === branch &&
      (p.head.repo?.full_name ?? repositoryName(repository)) === repositoryName(repository),
  )?.number;
}

/** The pull request a workflow run is for (pull_request events), from the event payload. */
export function eventPullRequest(
  env: NodeJS.ProcessEnv,
  readFile: (path: string) => string,
): number | undefined {
  if (
    !['pull_request', 'pull_request_target'].includes(env.GITHUB_EVENT_NAME ?? '') ||
    !env.GITHUB_EVENT_PATH
  )
    return undefined;
  const event = JSON.parse(readFile(env.GITHUB_EVENT_PATH)) as {
    pull_request?: { number?: number };
    number?: number;
  };
  return event.pull_request?.number ?? event.number;
}

/**
 * In a pull_request run, keep `text` as the one marked comment on that pull request. Outside a pull
 * request it does nothing. A failure (a fork's pull request gets a read-only token, the job lacks
 * `pull-requests: write`, GitHub cannot be reached) is a warning that says why: what the comment would
 * say is in the run's log and step summary, and the run itself did what it was asked.
 */
export async function commentOnEventPullRequest(options: {
  token: string | undefined;
  env: NodeJS.ProcessEnv;
  readFile: (path: string) => string;
  marker: string;
  text: string;
  log: Logger;
}): Promise<CommentResult | undefined> {
  const number = eventPullRequest(options.env, options.readFile);
  if (number === undefined) return undefined;
  return bestEffortOnRepository(
    {
      ...options,
      permissionHelp: 'pull-requests: write',
      skipped: {
        level: 'warning',
        message: 'no github-token (or GITHUB_REPOSITORY): the plan is not commented on the pull request',
      },
      failed: `the plan is not commented on #${number}`,
    },
    (rest, repository) => upsertComment(rest, repository, number, options.marker, options.text, options.log),
  );
}
