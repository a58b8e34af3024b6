// A destroyed site's GitHub environment, against the GitHub test server: its deployments get an
// inactive status once, other environments' are not touched, listings are followed page by page, and
// a refusal or an unreachable API is a warning that says why.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GitHubRest,
  deactivateEnvironment,
  deactivateSiteEnvironment,
  memoryLogger,
  nextLink,
  previewEnvironment,
} from '@moodle-preview/core';
import { startGitHubRepoServer, type GitHubRepoServer } from '../servers/github-repo.js';

const REPO = 'example-org/moodle-build';
const SITE_URL = 'https://4-demo.preview-moodle.example.ac.uk';
let gh: GitHubRepoServer;
beforeEach(async () => {
  gh = await startGitHubRepoServer();
});
afterEach(async () => {
  await gh.close();
});

const env = () => ({ GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO });
const rest = () => new GitHubRest({ apiUrl: gh.url, token: gh.token });
const posts = () => gh.requests.filter((r) => r.method === 'POST');

describe('a destroyed site’s environment', () => {
  it('is named preview/<preview_link>', () => {
    expect(previewEnvironment('4-demo')).toBe('preview/4-demo');
  });

  it('gets each active deployment marked inactive once; other environments and repositories stay', async () => {
    const old = gh.addDeployment(REPO, 'preview/4-demo', SITE_URL);
    old.statuses.push({ id: 1, state: 'inactive', description: 'superseded', environment_url: '' });
    const failed = gh.addDeployment(REPO, 'preview/4-demo', SITE_URL, 'failure');
    const live = gh.addDeployment(REPO, 'preview/4-demo', SITE_URL);
    const other = gh.addDeployment(REPO, 'preview/4-demo-2', 'https://4-demo-2.example');
    const elsewhere = gh.addDeployment('example-org/other', 'preview/4-demo', SITE_URL);
    const log = memoryLogger();

    const first = await deactivateSiteEnvironment({
      token: gh.token,
      env: env(),
      previewLink: '4-demo',
      dryRun: false,
      log,
    });
    expect(first).toEqual({
      environment: 'preview/4-demo',
      deployments: 3,
      deactivated: [live.id, failed.id],
    });
    expect(gh.stateOf(live.id)).toBe('inactive');
    expect(gh.stateOf(failed.id)).toBe('inactive');
    expect(old.statuses.filter((s) => s.state === 'inactive')).toHaveLength(1);
    expect(gh.stateOf(other.id)).toBe('success');
    expect(gh.stateOf(elsewhere.id)).toBe('success');
    expect(posts().map((r) => r.body)).toEqual([
      { state: 'inactive', description: 'the preview site was destroyed' },
      { state: 'inactive', description: 'the preview site was destroyed' },
    ]);
    expect(log.lines).toContain('preview/4-demo: marked 2 of 3 deployment(s) inactive');

    gh.requests.length = 0;
    const again = await deactivateSiteEnvironment({
      token: gh.token,
      env: env(),
      previewLink: '4-demo',
      dryRun: false,
      log,
    });
    expect(again?.deactivated).toEqual([]);
    expect(posts()).toEqual([]);
  });

  it('with dry-run lists what it would mark and posts nothing', async () => {
    const live = gh.addDeployment(REPO, 'preview/4-demo', SITE_URL);
    const log = memoryLogger();
    const r = await deactivateEnvironment(
      rest(),
      { owner: 'example-org', repo: 'moodle-build' },
      'preview/4-demo',
      {
        log,
        dryRun: true,
      },
    );
    expect(r.deactivated).toEqual([live.id]);
    expect(posts()).toEqual([]);
    expect(gh.stateOf(live.id)).toBe('success');
    expect(log.lines).toContain('preview/4-demo: would mark 1 of 1 deployment(s) inactive');
  });

  it('follows the listing past its first page', async () => {
    const all = Array.from({ length: 130 }, () => gh.addDeployment(REPO, 'preview/4-demo', SITE_URL));
    const r = await deactivateEnvironment(
      rest(),
      { owner: 'example-org', repo: 'moodle-build' },
      'preview/4-demo',
      {
        log: memoryLogger(),
      },
    );
    expect(r.deployments).toBe(130);
    expect(all.every((d) => gh.stateOf(d.id) === 'inactive')).toBe(true);
    const lists = gh.requests.filter((q) => q.method === 'GET' && /\/deployments\?/.test(q.path));
    expect(lists.map((q) => new URL(q.path, gh.url).searchParams.get('page'))).toEqual([null, '2']);
  });

  it('does not touch a deployment of another environment that a server lists anyway', async () => {
    // A server (or a proxy) that drops the environment filter must not make the destroy reach wider.
    const other = gh.addDeployment(REPO, 'preview/4-demo-2', 'https://4-demo-2.example');
    const live = gh.addDeployment(REPO, 'preview/4-demo', SITE_URL);
    const unfiltered = new GitHubRest({ apiUrl: gh.url, token: gh.token });
    const original = unfiltered.paginate.bind(unfiltered);
    unfiltered.paginate = <T>(path: string, what: string) =>
      original<T>(path.replace(/\?environment=[^&]*/, ''), what);
    const r = await deactivateEnvironment(
      unfiltered,
      { owner: 'example-org', repo: 'moodle-build' },
      'preview/4-demo',
      {
        log: memoryLogger(),
      },
    );
    expect(r.deactivated).toEqual([live.id]);
    expect(gh.stateOf(other.id)).toBe('success');
  });

  it('warns, saying what the job needs, when GitHub refuses or cannot be reached', async () => {
    const live = gh.addDeployment(REPO, 'preview/4-demo', SITE_URL);
    gh.refuse = { status: 403, matching: /^POST / };
    const log = memoryLogger();
    const r = await deactivateSiteEnvironment({
      token: gh.token,
      env: env(),
      previewLink: '4-demo',
      dryRun: false,
      log,
    });
    expect(r).toBeUndefined();
    expect(gh.stateOf(live.id)).toBe('success');
    expect(log.lines.join('\n')).toMatch(
      /^warning: the deployments of preview\/4-demo are still shown as active: GitHub answered 403 to "mark deployment \d+ inactive" \(Resource not accessible by integration\): the token may not do this; the job needs permissions: deployments: write$/m,
    );

    const down = memoryLogger();
    await gh.close();
    const again = await deactivateSiteEnvironment({
      token: 'x',
      env: { GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_REPOSITORY: REPO },
      previewLink: '4-demo',
      dryRun: false,
      log: down,
    });
    expect(again).toBeUndefined();
    expect(down.lines.join('\n')).toMatch(
      /^warning: the deployments of preview\/4-demo are still shown as active: fetch failed/m,
    );
    gh = await startGitHubRepoServer();
  });

  it('makes no call without a token', async () => {
    gh.addDeployment(REPO, 'preview/4-demo', SITE_URL);
    const log = memoryLogger();
    expect(
      await deactivateSiteEnvironment({
        token: undefined,
        env: env(),
        previewLink: '4-demo',
        dryRun: false,
        log,
      }),
    ).toBeUndefined();
    expect(gh.requests).toEqual([]);
    expect(log.lines).toEqual([
      'no github-token (or GITHUB_REPOSITORY): the deployments of preview/4-demo are left as they are',
    ]);
  });
});

describe('the Link header', () => {
  it('gives the next page, or none on the last', () => {
    expect(
      nextLink(
        '<https://api.github.com/x?page=2>; rel="next", <https://api.github.com/x?page=5>; rel="last"',
      ),
    ).toBe('https://api.github.com/x?page=2');
    expect(
      nextLink(
        '<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=1>; rel="first"',
      ),
    ).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
