// The one pull-request comment, against the GitHub test server: created once, edited by later runs,
// found past the first page of comments, never a person's comment (even one that quotes the marker),
// never another site's; only in a pull_request run; a refusal is a warning that says why.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GitHubRest,
  commentMarker,
  commentOnEventPullRequest,
  describeCostChange,
  eventPullRequest,
  memoryLogger,
  openPullRequest,
  upsertComment,
} from '@moodle-preview/core';
import { startGitHubRepoServer, type GitHubRepoServer } from '../servers/github-repo.js';

const REPO = 'example-org/moodle-build';
const repository = { owner: 'example-org', repo: 'moodle-build' };
const MARKER = commentMarker('plan', '4-demo');
let gh: GitHubRepoServer;
beforeEach(async () => {
  gh = await startGitHubRepoServer();
});
afterEach(async () => {
  await gh.close();
});
const rest = () => new GitHubRest({ apiUrl: gh.url, token: gh.token });
const writes = () => gh.requests.filter((r) => r.method !== 'GET');

function pullRequestEvent(number: number): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gh-event-'));
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify({ action: 'synchronize', number, pull_request: { number } }));
  return {
    GITHUB_API_URL: gh.url,
    GITHUB_REPOSITORY: REPO,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: file,
  };
}
const read = (p: string) => readFileSync(p, 'utf8');

describe('the one marked comment', () => {
  it('is created, then edited in place, and left alone when it already says the same', async () => {
    const log = memoryLogger();
    const first = await upsertComment(rest(), repository, 7, MARKER, 'plan one', log);
    expect(first.action).toBe('created');
    const second = await upsertComment(rest(), repository, 7, MARKER, 'plan two', log);
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    expect(gh.comments.map((c) => c.body)).toEqual([`${MARKER}\nplan two`]);

    gh.requests.length = 0;
    const third = await upsertComment(rest(), repository, 7, MARKER, 'plan two', log);
    expect(third).toMatchObject({ action: 'unchanged', id: first.id });
    expect(writes()).toEqual([]);
  });

  it('is found on a later page of a long conversation', async () => {
    for (let i = 0; i < 120; i++) gh.addComment(REPO, 7, `comment ${i}`);
    const ours = gh.addComment(REPO, 7, `${MARKER}\nold plan`, gh.tokenUser);
    const r = await upsertComment(rest(), repository, 7, MARKER, 'new plan', memoryLogger());
    expect(r).toMatchObject({ action: 'updated', id: ours.id });
    expect(gh.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
  });

  it('is never a person’s comment that quotes the marker, nor another site’s', async () => {
    const quoted = gh.addComment(REPO, 7, `${MARKER}\nwhy does it say this?`);
    const otherSite = gh.addComment(REPO, 7, `${commentMarker('plan', '4-demo-2')}\nits plan`, gh.tokenUser);
    const r = await upsertComment(rest(), repository, 7, MARKER, 'the plan', memoryLogger());
    expect(r.action).toBe('created');
    expect(gh.comments.find((c) => c.id === quoted.id)?.body).toBe(`${MARKER}\nwhy does it say this?`);
    expect(gh.comments.find((c) => c.id === otherSite.id)?.body).toContain('its plan');
    expect(gh.comments).toHaveLength(3);
  });
});

describe('in a workflow run', () => {
  it('comments only on a pull_request event, on that pull request', async () => {
    const log = memoryLogger();
    const pushEnv = { GITHUB_API_URL: gh.url, GITHUB_REPOSITORY: REPO, GITHUB_EVENT_NAME: 'push' };
    expect(
      await commentOnEventPullRequest({
        token: gh.token,
        env: pushEnv,
        readFile: read,
        marker: MARKER,
        text: 'x',
        log,
      }),
    ).toBeUndefined();
    expect(gh.requests).toEqual([]);

    const r = await commentOnEventPullRequest({
      token: gh.token,
      env: pullRequestEvent(12),
      readFile: read,
      marker: MARKER,
      text: 'the plan',
      log,
    });
    expect(r?.action).toBe('created');
    expect(gh.comments).toMatchObject([{ issue: 12, repository: REPO, body: `${MARKER}\nthe plan` }]);
  });

  it('warns with the permission to give when the token may not comment (a fork’s pull request)', async () => {
    gh.refuse = { status: 403, matching: /^POST / };
    const log = memoryLogger();
    const r = await commentOnEventPullRequest({
      token: gh.token,
      env: pullRequestEvent(12),
      readFile: read,
      marker: MARKER,
      text: 'the plan',
      log,
    });
    expect(r).toBeUndefined();
    expect(gh.comments).toEqual([]);
    expect(log.lines).toContain(
      'warning: the plan is not commented on #12: GitHub answered 403 to "comment on #12" (Resource not accessible by integration): the token may not do this; the job needs permissions: pull-requests: write',
    );
  });

  it('reads the pull request number from the event payload', () => {
    const e = pullRequestEvent(42);
    expect(eventPullRequest(e, read)).toBe(42);
    expect(eventPullRequest({ ...e, GITHUB_EVENT_NAME: 'pull_request_target' }, read)).toBe(42);
    expect(eventPullRequest({ ...e, GITHUB_EVENT_NAME: 'push' }, read)).toBeUndefined();
    expect(eventPullRequest({ GITHUB_EVENT_NAME: 'pull_request' }, read)).toBeUndefined();
  });
});

describe('a branch’s open pull request', () => {
  it('is the one from this repository, not a fork’s branch of the same name, nor a closed one', async () => {
    gh.addPull(REPO, 3, 'site-a').state = 'closed';
    gh.addPull(REPO, 4, 'site-a', 'someone/moodle-build');
    gh.addPull(REPO, 5, 'site-b');
    expect(await openPullRequest(rest(), repository, 'site-a')).toBeUndefined();
    gh.addPull(REPO, 6, 'site-a');
    expect(await openPullRequest(rest(), repository, 'site-a')).toBe(6);
  });
});

describe('the cost difference', () => {
  it('is against the estimate the last deploy recorded', () => {
    expect(describeCostChange({ monthly: 41.48, currency: 'USD' }, undefined)).toBe(
      '+41.48 USD a month (a new site)',
    );
    expect(describeCostChange({ monthly: 41.48, currency: 'USD' }, { monthly: 18.3, currency: 'USD' })).toBe(
      '+23.18 USD a month (now 18.30 USD)',
    );
    expect(describeCostChange({ monthly: 18.3, currency: 'USD' }, { monthly: 41.48, currency: 'USD' })).toBe(
      '−23.18 USD a month (now 41.48 USD)',
    );
    expect(describeCostChange({ monthly: 18.3, currency: 'USD' }, { monthly: 18.3, currency: 'USD' })).toBe(
      'no change (18.30 USD a month)',
    );
    expect(describeCostChange({ monthly: 18.3, currency: 'EUR' }, { monthly: 18.3, currency: 'USD' })).toBe(
      'now 18.30 USD, estimated in another currency',
    );
  });
});
