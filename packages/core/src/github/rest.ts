// A small GitHub REST client over the global fetch, for the few repository endpoints the suite calls
// (deployments, issue comments, pull requests): the API root from GITHUB_API_URL (github.com, a GHES
// `/api/v3` URL or a test server), the documented headers, pages followed by their `Link: rel="next"`
// (https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api), and refusals
// turned into errors that say which permission the job's token needs.
import { ConfigurationError, describeError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface Repository {
  owner: string;
  repo: string;
}

export const repositoryName = (r: Repository) => `${r.owner}/${r.repo}`;

/** `owner/name` → Repository; anything else is the user's to fix. */
export function parseRepository(value: string, what = 'repository'): Repository {
  const m = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(value);
  if (!m) throw new ConfigurationError(`${what} must be owner/name, got "${value}"`);
  return { owner: m[1]!, repo: m[2]! };
}

/** GitHub refused a request for a reason the user fixes (token, permission, name). */
export class GitHubApiError extends ConfigurationError {
  override name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface GitHubRestOptions {
  /** GITHUB_API_URL. */
  apiUrl: string;
  token: string;
  /** Said in 401/403 messages: the permission the call needs (`pull-requests: write`). */
  permissionHelp?: string;
  /**
   * A caller's own message for a refusal (its `detail` is GitHub's message in parentheses, or empty);
   * undefined falls back to the general one.
   */
  describeRefusal?: (status: number, what: string, detail: string) => Error | undefined;
}

/** The API root the runner sets (GITHUB_API_URL), else github.com's. */
export const githubApiUrl = (env: NodeJS.ProcessEnv = process.env) =>
  env.GITHUB_API_URL || 'https://api.github.com';

export class GitHubRest {
  private readonly root: string;

  constructor(private readonly options: GitHubRestOptions) {
    if (!options.token)
      throw new ConfigurationError(
        'no GitHub token: give github-token (an action input) or set GITHUB_TOKEN',
      );
    this.root = options.apiUrl.replace(/\/+$/, '');
  }

  /** One request; the parsed body (undefined when empty). `what` names the call in errors. */
  async request<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, `${this.root}${path}`, body);
    const text = await res.text();
    if (!res.ok) throw this.refusal(res.status, what, text);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Every item of a listing, page after page while the answer links a next one. */
  async paginate<T>(path: string, what: string): Promise<T[]> {
    const all: T[] = [];
    let url: string | undefined = `${this.root}${path}${path.includes('?') ? '&' : '?'}per_page=100`;
    while (url) {
      const res = await this.fetch('GET', url);
      const text = await res.text();
      if (!res.ok) throw this.refusal(res.status, what, text);
      const page = (text ? JSON.parse(text) : []) as T[];
      if (!Array.isArray(page))
        throw new Error(`GitHub answered "${what}" with something that is not a list`);
      all.push(...page);
      url = nextLink(res.headers.get('link'));
    }
    return all;
  }

  private fetch(method: string, url: string, body?: unknown): Promise<Response> {
    return fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${this.options.token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        'user-agent': 'moodle-preview-actions',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private refusal(status: number, what: string, text: string): Error {
    let detail = '';
    try {
      const message = (JSON.parse(text) as { message?: string }).message;
      if (message) detail = ` (${message})`;
    } catch {
      detail = '';
    }
    const own = this.options.describeRefusal?.(status, what, detail);
    if (own) return own;
    const help = this.options.permissionHelp
      ? `; the job needs permissions: ${this.options.permissionHelp}`
      : '';
    if (status === 401)
      return new GitHubApiError(
        `GitHub answered 401 to "${what}"${detail}: github-token is missing, expired or revoked`,
        status,
      );
    if (status === 403)
      return new GitHubApiError(
        `GitHub answered 403 to "${what}"${detail}: the token may not do this${help}`,
        status,
      );
    if (status === 404)
      return new GitHubApiError(
        `GitHub answered 404 to "${what}"${detail}: it does not exist or the token cannot see it${help}`,
        status,
      );
    if (status === 422) return new GitHubApiError(`GitHub rejected "${what}" with 422${detail}`, status);
    return new Error(`GitHub answered ${status} to "${what}"${detail}`);
  }
}

/** The `rel="next"` URL of a Link header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(',')) {
    const m = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (m && /\brel="?next"?/.test(m[2]!)) return m[1];
  }
  return undefined;
}

/**
 * A call on the job's own repository that must not fail the step (a pull-request comment, a
 * deployment's status): without a token or GITHUB_REPOSITORY it is skipped with `skipped` said, and
 * when GitHub refuses it `failed` is said with GitHub's reason; either way the answer is undefined.
 */
export async function bestEffortOnRepository<T>(
  options: {
    token: string | undefined;
    env: NodeJS.ProcessEnv;
    log: Logger;
    /** The token permission the call needs, named when GitHub refuses it. */
    permissionHelp: string;
    skipped: { level: 'info' | 'warning'; message: string };
    failed: string;
  },
  call: (rest: GitHubRest, repository: Repository) => Promise<T>,
): Promise<T | undefined> {
  const { env, log } = options;
  if (!options.token || !env.GITHUB_REPOSITORY) {
    log[options.skipped.level](options.skipped.message);
    return undefined;
  }
  const rest = new GitHubRest({
    apiUrl: githubApiUrl(env),
    token: options.token,
    permissionHelp: options.permissionHelp,
  });
  try {
    return await call(rest, parseRepository(env.GITHUB_REPOSITORY));
  } catch (err) {
    log.warning(`${options.failed}: ${describeError(err)}`);
    return undefined;
  }
}
