// `mdl-preview sweep --github` on the AWS fake and the GitHub test server: the branch that deployed
// an expiring site gets one comment on its open pull request, edited on the next day rather than
// repeated; a destroyed site's environment is marked inactive; a repository the token cannot reach
// is a warning for that site alone; and without a token the sweep refuses before it changes anything.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import { commentMarker, type SiteRegistryEntry } from '@moodle-preview/core';
import { useMariaDb } from '../servers/mariadb.js';
import { startGitHubRepoServer, type GitHubRepoServer } from '../servers/github-repo.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const BUILD = 'example-org/moodle-build';

const mariadb = useMariaDb();
let world: World;
let gh: GitHubRepoServer;
let platformFile: string;
const entry = (link: string) =>
  JSON.parse(world.fake.ssm.parameters.get(`/moodle-preview/sites/${link}`)!.Value) as SiteRegistryEntry;

beforeAll(async () => {
  world = await createWorld(mariadb());
  gh = await startGitHubRepoServer();
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sweep-gh-')), 'platform.yml');
  writeFileSync(platformFile, world.platformText);
  const from = (branch: string, repository = BUILD) => ({ source: { repository, branch } });
  await world.deploy(minimalSettings('old-a', `expires: ${inDays(3)}\n`), from('old-a'));
  await world.deploy(minimalSettings('soon-b', `expires: ${inDays(9)}\n`), from('soon-b'));
  await world.deploy(minimalSettings('soon-c', `expires: ${inDays(9)}\n`), from('soon-c'));
  await world.deploy(
    minimalSettings('soon-d', `expires: ${inDays(9)}\n`),
    from('soon-d', 'example-org/elsewhere'),
  );
  gh.addPull(BUILD, 21, 'soon-b');
  gh.addPull(BUILD, 22, 'soon-c').state = 'closed';
  gh.addDeployment(BUILD, 'preview/old-a', 'https://old-a.preview-moodle.example.ac.uk');
  gh.addDeployment(BUILD, 'preview/soon-b', 'https://soon-b.preview-moodle.example.ac.uk');
  // The token is this repository's: another one's is refused.
  gh.refuse = { status: 403, matching: /\/repos\/example-org\/elsewhere\// };
});
afterAll(async () => {
  await world.close();
  await gh.close();
});

async function sweep(at: string, env: Record<string, string>, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['sweep', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile, GITHUB_API_URL: gh.url, ...env },
    now: () => new Date(`${at}T09:00:00Z`),
  });
  return { code, stdout, stderr };
}

describe('sweep --github', () => {
  it('refuses without GITHUB_TOKEN before it changes anything', async () => {
    world.fake.server.resetCalls();
    const r = await sweep(inDays(5), { GITHUB_TOKEN: '' }, '--github');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no GitHub token: give github-token (an action input) or set GITHUB_TOKEN');
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(entry('old-a').destroyedAt).toBeUndefined();
    expect(gh.requests).toEqual([]);
  });

  it('a dry run finds the pull requests and writes nothing', async () => {
    const r = await sweep(inDays(5), { GITHUB_TOKEN: gh.token }, '--github', '--dry-run', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).github.commented).toEqual([{ site: 'soon-b', pullRequest: 21 }]);
    expect(gh.requests.filter((q) => q.method !== 'GET')).toEqual([]);
    expect(gh.comments).toEqual([]);
  });

  it('tells each site’s branch, once, and marks the destroyed site’s environment inactive', async () => {
    const r = await sweep(inDays(5), { GITHUB_TOKEN: gh.token }, '--github', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.destroyed).toEqual(['old-a']);
    expect(out.github).toMatchObject({
      commented: [{ site: 'soon-b', pullRequest: 21 }],
      withoutPullRequest: ['soon-c'],
      deactivated: ['old-a'],
      failed: [{ site: 'soon-d' }],
    });
    expect(r.stderr).toMatch(
      /^warning: soon-d: its pull request is not told: GitHub answered 403 .*pull-requests: write/m,
    );
    const [oldA, soonB] = gh.deployments;
    expect([gh.stateOf(oldA!.id), gh.stateOf(soonB!.id)]).toEqual(['inactive', 'success']);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]).toMatchObject({ repository: BUILD, issue: 21 });
    expect(gh.comments[0]!.body).toBe(
      `${commentMarker('expiry', 'soon-b')}\nThe preview [soon-b](https://soon-b.preview-moodle.example.ac.uk) expires on **${inDays(9)}** (4 day(s) left): it is then destroyed, its data kept for a while.\nTo keep it, set a later \`expires: YYYY-MM-DD\` (or \`pinned: true\`) in settings.yml and push.`,
    );

    // The next day: the same comment, edited.
    const id = gh.comments[0]!.id;
    const next = await sweep(inDays(6), { GITHUB_TOKEN: gh.token }, '--github', '--json');
    expect(next.code).toBe(0);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.id).toBe(id);
    expect(gh.comments[0]!.body).toContain('(3 day(s) left)');
  });
});
