// Destroy's pure decisions, without AWS: what a destroy works on (names, data, where each comes from
// when the settings file is gone), which data a purge must leave because a live site uses it, and
// what becomes of the registry entry. The destroys on the fake are in destroy.test.ts.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import {
  checkPlatformText,
  checkSiteText,
  ConfigurationError,
  dataInUse,
  destroyTarget,
  guardPurge,
  planSite,
  resolveSite,
  siteOfBranch,
  workflowSource,
  type Platform,
  type SitePlan,
} from '@moodle-preview/core';
import { destroyedEntry } from '../../packages/core/src/resources/registry-entry.js';
import { registryEntry, retiredRecord } from '../refresh/registry-records.js';
import { thrown } from '../harness/failure.js';

const PLATFORM_FILE = 'workflows-examples/platform.yml';
const SETTINGS_FILE = 'workflows-examples/sites/4-demo/settings.yml';
const platformText = await readFile(PLATFORM_FILE, 'utf8');
const platform: Platform = checkPlatformText(PLATFORM_FILE, platformText).value!;

const settingsText = await readFile(SETTINGS_FILE, 'utf8');
function plan(): SitePlan {
  const site = checkSiteText(SETTINGS_FILE, settingsText);
  const resolved = resolveSite(site.value!, platform, site.source);
  return planSite(resolved.site!, platform);
}
const LINK = '4-demo';
const WRITER = platform.db.writer_host;

describe('destroyTarget', () => {
  it('with names only (no entry, no settings): the platform defaults, named after the link', () => {
    const t = destroyTarget('gone-site', platform);
    expect(t).toMatchObject({
      link: 'gone-site',
      host: 'gone-site.preview-moodle.example.ac.uk',
      cluster: 'moodle_cluster',
      listenerArns: platform.alb.https_listener_arns,
      scalingResourceId: 'service/moodle_cluster/mdl-gone-site',
      sqlTaskFamily: 'mdl_sql_task-gone-site',
      tags: {
        'cost-centre': 'digital-education',
        'moodle-preview:site': 'gone-site',
        'moodle-preview:managed-by': 'moodle-preview-actions',
      },
    });
    expect(t.data).toEqual({
      dbHost: WRITER,
      dbPort: 3306,
      databases: [],
      users: [],
      moodledataFolders: [],
      mountPath: '/moodle_data_root',
      cronLogPath: '/moodle_data_root/cron_logs/cron_gone-site.log',
      secrets: ['moodle-preview/sites/gone-site/db'],
      logGroup: '/moodle-preview/sites/gone-site',
      source: 'names only',
    });
  });

  it("from the registry: the entry's data, its retired records each once, none of another kind", () => {
    const entry = registryEntry(LINK, {
      dbHost: 'db-b.internal',
      logGroup: '/custom/4-demo',
      retired: [
        retiredRecord('database', 'moodle_old', '2026-10-01'),
        retiredRecord('database', 'moodle_4_demo', '2026-10-01'), // also its current one
        retiredRecord('db-user', 'mdl_old', '2026-10-01'),
        retiredRecord('moodledata', 'old-data', '2026-10-01'),
        retiredRecord('db-secret', 'moodle-preview/sites/4-demo/db-old', '2026-10-01'),
      ],
    });
    const t = destroyTarget(LINK, platform, entry);
    expect(t.data).toEqual({
      dbHost: 'db-b.internal',
      dbPort: 3306,
      databases: ['moodle_4_demo', 'mim_4_demo', 'moodle_old'],
      users: ['mdl_4_demo', 'mdl_old'],
      moodledataFolders: ['4-demo-data', 'old-data'],
      mountPath: '/moodle_data_root',
      cronLogPath: '/moodle_data_root/cron_logs/cron_4-demo.log',
      secrets: ['moodle-preview/sites/4-demo/db', 'moodle-preview/sites/4-demo/db-old'],
      logGroup: '/custom/4-demo',
      source: 'registry',
    });
  });

  it('from the settings: the plan’s names, mount path and log group', () => {
    const t = destroyTarget(LINK, platform, undefined, plan());
    expect(t.data).toMatchObject({
      dbHost: WRITER,
      databases: ['moodle_42_demo', 'mim_42_demo'],
      users: ['moodle_demo'],
      moodledataFolders: ['4-demo-2026-11'],
      logGroup: '/moodle-preview/sites/4-demo',
      source: 'settings',
    });
  });

  it('from both: the plan’s names first, then the entry’s, each once', () => {
    const entry = registryEntry(LINK, {
      dbHost: WRITER,
      databases: { moodle: 'moodle_42_demo', mim: 'mim_old' },
    });
    const t = destroyTarget(LINK, platform, entry, plan());
    expect(t.data.databases).toEqual(['moodle_42_demo', 'mim_42_demo', 'mim_old']);
    expect(t.data.users).toEqual(['moodle_demo', 'mdl_4_demo']);
    expect(t.data.moodledataFolders).toEqual(['4-demo-2026-11', '4-demo-data']);
    expect(t.data.source).toBe('registry and settings');
  });

  it('refuses a settings file of another site, or one that puts the databases on another server', () => {
    const other = thrown(() => destroyTarget('other-site', platform, undefined, plan()));
    expect(other).toBeInstanceOf(ConfigurationError);
    expect(other.message).toMatch(/^the settings file is for site 4-demo, not other-site/);
    const moved = thrown(() =>
      destroyTarget(LINK, platform, registryEntry(LINK, { dbHost: 'db-b.internal' }), plan()),
    );
    expect(moved).toBeInstanceOf(ConfigurationError);
    expect(moved.message).toBe(
      `the settings put 4-demo's databases on ${WRITER}, its registry entry on db-b.internal; ` +
        'destroy without the settings file to use what the registry recorded',
    );
  });

  it('a mount path and log group prefix with trailing slashes make no doubled slash', () => {
    const slashed = {
      ...platform,
      efs: { ...platform.efs, mount_path: '/mnt/efs//' },
      logs: { ...platform.logs, group_prefix: '/p/sites//' },
    };
    const t = destroyTarget('x', slashed);
    expect(t.data.mountPath).toBe('/mnt/efs');
    expect(t.data.cronLogPath).toBe('/mnt/efs/cron_logs/cron_x.log');
    expect(t.data.logGroup).toBe('/p/sites/x');
  });

  it.each([
    ['a'.repeat(28), true],
    ['a'.repeat(29), false],
    ['UPPER', false],
    ['-lead', false],
    ['has_underscore', false],
    ['', false],
  ])('preview link %j is a site name: %s', (link, ok) => {
    const err = thrown(() => destroyTarget(link, platform));
    if (ok) expect(err.message).toBe('no error');
    else {
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toMatch(/is not a site name: a lowercase DNS label .* of at most 28 characters$/);
    }
  });
});

describe('data a live site uses is never purged', () => {
  const mine = destroyTarget(LINK, platform, registryEntry(LINK, { dbHost: 'db-a.internal' })).data;

  it('finds each database, user and folder another live site uses, on the same server only for the DB', () => {
    const entries = [
      registryEntry(LINK), // the site itself
      registryEntry('taker', {
        databases: { moodle: 'moodle_4_demo', mim: 'mim_taker' },
        moodledataFolder: '4-demo-data',
      }),
      registryEntry('same-user', { dbUser: 'mdl_4_demo' }),
      registryEntry('other-server', {
        dbHost: 'db-b.internal',
        databases: { moodle: 'mim_4_demo', mim: 'x' },
        dbUser: 'mdl_4_demo',
      }),
      registryEntry('gone', { destroyedAt: '2026-11-01', databases: { moodle: 'mim_4_demo', mim: 'y' } }),
    ];
    expect(dataInUse(LINK, mine, entries)).toEqual([
      { kind: 'database', name: 'moodle_4_demo', site: 'taker' },
      { kind: 'moodledata', name: '4-demo-data', site: 'taker' },
      { kind: 'db-user', name: 'mdl_4_demo', site: 'same-user' },
    ]);
  });

  it("a folder is the EFS's whatever the DB server", () => {
    const entries = [
      registryEntry('elsewhere', { dbHost: 'db-b.internal', moodledataFolder: '4-demo-data' }),
    ];
    expect(dataInUse(LINK, mine, entries)).toEqual([
      { kind: 'moodledata', name: '4-demo-data', site: 'elsewhere' },
    ]);
  });

  it('refuses naming what, which site, and the two ways on; passes when nothing is shared', () => {
    const entries = [
      registryEntry('taker', { databases: { moodle: 'moodle_4_demo', mim: 'mim_taker' } }),
      registryEntry('taker2', { dbUser: 'mdl_4_demo' }),
      registryEntry('taker3', { databases: { moodle: 'mim_4_demo', mim: 'z' } }),
    ];
    const err = thrown(() => guardPurge(LINK, mine, entries));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(
      "refusing to purge 4-demo's data: live sites use some of it: database moodle_4_demo (used by site taker), " +
        'db-user mdl_4_demo (used by site taker2), database mim_4_demo (used by site taker3). Nothing was changed. ' +
        'Destroy 4-demo without purge-data (its data is then kept and recorded as retired), or destroy taker, taker2, taker3 first if that data is really no longer wanted',
    );
    expect(() => guardPurge(LINK, mine, [registryEntry(LINK), registryEntry('unrelated')])).not.toThrow();
  });

  it('names a site once in the advice however much of the data it uses', () => {
    const entries = [registryEntry('taker', { databases: { moodle: 'moodle_4_demo', mim: 'mim_4_demo' } })];
    expect(thrown(() => guardPurge(LINK, mine, entries)).message).toMatch(/or destroy taker first/);
  });
});

describe('the registry entry after a destroy that keeps the data', () => {
  it('is marked destroyed today, loses its cron entry and records each kept datum as retired once', () => {
    const entry = registryEntry(LINK, {
      cron: { schedule: '*/5 * * * *' } as never,
      retired: [retiredRecord('database', 'moodle_4_demo', '2026-10-01', 'replaced')],
    });
    const next = destroyedEntry(
      entry,
      {
        databases: ['moodle_4_demo', 'mim_4_demo'],
        users: ['mdl_4_demo'],
        moodledataFolders: ['4-demo-data'],
        secrets: ['moodle-preview/sites/4-demo/db'],
      },
      '2026-12-04',
    );
    expect(next.cron).toBeUndefined();
    expect('cron' in next).toBe(false);
    expect(next.destroyedAt).toBe('2026-12-04');
    expect(next.retired).toEqual([
      retiredRecord('database', 'moodle_4_demo', '2026-10-01', 'replaced'),
      retiredRecord('database', 'mim_4_demo', '2026-12-04', 'site destroyed'),
      retiredRecord('db-user', 'mdl_4_demo', '2026-12-04', 'site destroyed'),
      retiredRecord('db-secret', 'moodle-preview/sites/4-demo/db', '2026-12-04', 'site destroyed'),
      retiredRecord('moodledata', '4-demo-data', '2026-12-04', 'site destroyed'),
    ]);
  });

  it('a second destroy keeps the first date, and a name retired as another kind is still recorded', () => {
    const entry = registryEntry(LINK, {
      destroyedAt: '2026-11-01',
      retired: [retiredRecord('db-user', 'moodle_4_demo', '2026-11-01')],
    });
    const next = destroyedEntry(
      entry,
      { databases: ['moodle_4_demo'], users: [], moodledataFolders: [], secrets: [] },
      '2026-12-04',
    );
    expect(next.destroyedAt).toBe('2026-11-01');
    expect(next.retired.map((r) => [r.kind, r.name])).toEqual([
      ['db-user', 'moodle_4_demo'],
      ['database', 'moodle_4_demo'],
    ]);
  });
});

describe('the site a deleted branch deployed', () => {
  const REPO = 'example-org/moodle-build';
  const from = (branch: string, repository = REPO) => ({ deployedFrom: { repository, branch } });

  it('is the live site its repository and branch deployed; the same branch elsewhere is not it', () => {
    const entries = [
      registryEntry('site-a', from('feature-x', 'example-org/fork')),
      registryEntry('site-b', from('feature-x')),
      registryEntry('feature-x', from('main')),
    ];
    expect(siteOfBranch(entries, REPO, 'feature-x')).toEqual({
      previewLink: 'site-b',
      note: `deployed from branch feature-x of ${REPO}`,
    });
    expect(siteOfBranch(entries, 'example-org/fork', 'feature-x').previewLink).toBe('site-a');
  });

  it('a destroyed site is not destroyed again; a live one beside it is the one', () => {
    const gone = registryEntry('site-old', { ...from('feature-x'), destroyedAt: '2026-11-30' });
    expect(siteOfBranch([gone], REPO, 'feature-x')).toEqual({
      note: `branch feature-x of ${REPO} deployed site-old, already destroyed on 2026-11-30`,
    });
    expect(
      siteOfBranch([gone, registryEntry('site-new', from('feature-x'))], REPO, 'feature-x').previewLink,
    ).toBe('site-new');
  });

  it('refuses two live sites of one branch, naming both', () => {
    const err = thrown(() =>
      siteOfBranch([registryEntry('site-a', from('x')), registryEntry('site-b', from('x'))], REPO, 'x'),
    );
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toBe(
      `branch x of ${REPO} deployed 2 sites that are up (site-a, site-b); name the one to destroy with preview-link`,
    );
  });

  it('matches an entry written before branches were recorded by its name, and only such an entry', () => {
    const legacy = registryEntry('feature-y');
    expect(siteOfBranch([legacy], REPO, 'feature-y')).toEqual({
      previewLink: 'feature-y',
      note: `named like branch feature-y of ${REPO} (its registry entry predates branch records)`,
    });
    // Named like the branch but recorded as another branch's, or destroyed: not it. And never a live
    // entry of another name, recorded or not: a deleted branch with no site destroys nothing.
    for (const other of [
      registryEntry('other-site'),
      registryEntry('other-site', from('main')),
      registryEntry('feature-y', from('main')),
      registryEntry('feature-y', { destroyedAt: '2026-11-30' }),
    ])
      expect(siteOfBranch([other], REPO, 'feature-y')).toEqual({
        note: `no site in the registry was deployed from branch feature-y of ${REPO}; nothing to destroy`,
      });
    // A recorded site of the branch wins over a legacy one of its name.
    expect(
      siteOfBranch([legacy, registryEntry('site-z', from('feature-y'))], REPO, 'feature-y').previewLink,
    ).toBe('site-z');
  });
});

describe('where a workflow run deploys from', () => {
  it("is the PR's head branch, else the pushed branch; a tag or no repository is none", () => {
    const repo = { GITHUB_REPOSITORY: 'o/r' };
    expect(
      workflowSource({
        ...repo,
        GITHUB_HEAD_REF: 'pr-branch',
        GITHUB_REF: 'refs/pull/7/merge',
        GITHUB_REF_NAME: '7/merge',
      }),
    ).toEqual({
      repository: 'o/r',
      branch: 'pr-branch',
    });
    expect(
      workflowSource({
        ...repo,
        GITHUB_HEAD_REF: '',
        GITHUB_REF: 'refs/heads/site-a',
        GITHUB_REF_NAME: 'site-a',
      }),
    ).toEqual({
      repository: 'o/r',
      branch: 'site-a',
    });
    expect(workflowSource({ ...repo, GITHUB_REF: 'refs/tags/v1', GITHUB_REF_NAME: 'v1' })).toBeUndefined();
    expect(workflowSource({ GITHUB_REF: 'refs/heads/site-a', GITHUB_REF_NAME: 'site-a' })).toBeUndefined();
  });
});
