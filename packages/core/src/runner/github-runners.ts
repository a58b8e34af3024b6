// GitHub's self-hosted runner endpoints for one repository or organisation, over the global fetch:
// JIT runner configs, the runner list and runner removal, with refusals turned into errors that say
// which token is needed. https://docs.github.com/en/rest/actions/self-hosted-runners
import { ConfigurationError } from '../errors.js';
import { GitHubRest, parseRepository } from '../github/rest.js';

/** Where runners are registered: one repository, or an organisation (its runner groups). */
export type RunnerScope =
  { kind: 'repository'; owner: string; repo: string } | { kind: 'organization'; org: string };

export interface GitHubRunner {
  id: number;
  name: string;
  /** `online` or `offline`. */
  status: string;
  busy: boolean;
  labels: string[];
}

export interface JitRunnerConfig {
  runner: GitHubRunner;
  /** The runner's credentials, base64: a secret. */
  encodedJitConfig: string;
}

export interface GitHubRunnersClientOptions {
  /** GITHUB_API_URL (https://api.github.com, a GHES `/api/v3` URL, or a test server). */
  apiUrl: string;
  token: string;
  scope: RunnerScope;
}

/** What the token needs, said in every 401/403 message. */
export const RUNNER_TOKEN_HELP =
  "the job's GITHUB_TOKEN cannot administer self-hosted runners: give a GitHub App installation token or a " +
  'fine-grained personal access token with the repository permission "Administration: write" ' +
  '(for organisation runners: the organisation permission "Self-hosted runners: write")';

/** GitHub refused the request for a reason the user fixes (token, permission, input). */
export class GitHubRunnerAccessError extends ConfigurationError {
  override name = 'GitHubRunnerAccessError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export const scopeName = (scope: RunnerScope) =>
  scope.kind === 'repository' ? `${scope.owner}/${scope.repo}` : `organization ${scope.org}`;

/** `owner/repo` → repository scope; `org:<name>` or organization → organisation scope. */
export function parseRunnerScope(repository: string, organization: boolean): RunnerScope {
  const { owner, repo } = parseRepository(repository);
  return organization ? { kind: 'organization', org: owner } : { kind: 'repository', owner, repo };
}

export class GitHubRunnersClient {
  private readonly base: string;
  private readonly rest: GitHubRest;

  constructor(private readonly options: GitHubRunnersClientOptions) {
    const scope = options.scope;
    this.base =
      scope.kind === 'repository'
        ? `/repos/${encodeURIComponent(scope.owner)}/${encodeURIComponent(scope.repo)}/actions/runners`
        : `/orgs/${encodeURIComponent(scope.org)}/actions/runners`;
    this.rest = new GitHubRest({
      apiUrl: options.apiUrl,
      token: options.token,
      describeRefusal: (status, what, detail) => this.refusal(status, what, detail),
    });
  }

  /**
   * POST …/actions/runners/generate-jitconfig → 201 {runner, encoded_jit_config}: a runner registered
   * under `name` that can run one job, with no registration token ever leaving this process.
   */
  async generateJitConfig(input: {
    name: string;
    labels: string[];
    runnerGroupId: number;
    workFolder?: string;
  }): Promise<JitRunnerConfig> {
    const body = (await this.request('POST', '/generate-jitconfig', 'generate a JIT runner config', {
      name: input.name,
      runner_group_id: input.runnerGroupId,
      labels: input.labels,
      work_folder: input.workFolder ?? '_work',
    })) as { runner?: RawRunner; encoded_jit_config?: string };
    if (!body?.runner || !body.encoded_jit_config)
      throw new Error('GitHub answered generate-jitconfig without a runner or encoded_jit_config');
    return { runner: toRunner(body.runner), encodedJitConfig: body.encoded_jit_config };
  }

  /** Every runner of the scope (paged, 100 a page). */
  async listRunners(): Promise<GitHubRunner[]> {
    const all: GitHubRunner[] = [];
    for (let page = 1; ; page++) {
      const body = (await this.request('GET', `?per_page=100&page=${page}`, 'list self-hosted runners')) as {
        total_count?: number;
        runners?: RawRunner[];
      };
      const runners = body?.runners ?? [];
      all.push(...runners.map(toRunner));
      if (runners.length < 100 || (body.total_count !== undefined && all.length >= body.total_count))
        return all;
    }
  }

  async findRunner(name: string): Promise<GitHubRunner | undefined> {
    return (await this.listRunners()).find((r) => r.name === name);
  }

  /** DELETE …/actions/runners/{id}; true when removed, false when it was already gone. */
  async deleteRunner(id: number): Promise<boolean> {
    try {
      await this.request('DELETE', `/${id}`, `remove runner ${id}`);
      return true;
    } catch (err) {
      if (err instanceof GitHubRunnerAccessError && err.status === 404) return false;
      throw err;
    }
  }

  private request(method: string, path: string, what: string, body?: unknown): Promise<unknown> {
    return this.rest.request<unknown>(method, `${this.base}${path}`, what, body);
  }

  private refusal(status: number, what: string, detail: string): Error {
    const where = scopeName(this.options.scope);
    if (status === 401)
      return new GitHubRunnerAccessError(
        `GitHub answered 401 to "${what}" on ${where}${detail}: github-token is missing, expired or revoked; ${RUNNER_TOKEN_HELP}`,
        status,
      );
    if (status === 403)
      return new GitHubRunnerAccessError(
        `GitHub answered 403 to "${what}" on ${where}${detail}: the token may not administer runners there; ${RUNNER_TOKEN_HELP}`,
        status,
      );
    if (status === 404)
      return new GitHubRunnerAccessError(
        `GitHub answered 404 to "${what}" on ${where}${detail}: it does not exist or the token cannot see it`,
        status,
      );
    if (status === 409)
      return new GitHubRunnerAccessError(
        `GitHub answered 409 to "${what}" on ${where}${detail}: a runner of that name already exists`,
        status,
      );
    if (status === 422)
      return new GitHubRunnerAccessError(
        `GitHub rejected "${what}" on ${where} with 422${detail}: check runner-group-id (it must exist and the ` +
          `repository must be allowed to use it) and labels (at most 100 characters each)`,
        status,
      );
    return new Error(`GitHub answered ${status} to "${what}" on ${where}${detail}`);
  }
}

interface RawRunner {
  id: number;
  name: string;
  status?: string;
  busy?: boolean;
  labels?: { name: string }[];
}

const toRunner = (r: RawRunner): GitHubRunner => ({
  id: r.id,
  name: r.name,
  status: r.status ?? 'offline',
  busy: r.busy ?? false,
  labels: (r.labels ?? []).map((l) => l.name),
});
