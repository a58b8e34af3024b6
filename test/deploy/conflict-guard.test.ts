// The data guard on its own: which registry entries claim a plan's databases and moodledata (live or
// retired, on which server), what the refusal says, what a takeover hands back, and which retired
// record a refresh's repoint re-labels. Pure functions over a real plan and hand-made entries.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  checkPlatformText,
  checkSiteText,
  claimRetired,
  ConfigurationError,
  findConflicts,
  guardConflicts,
  planSite,
  registryEntrySchema,
  resolveSite,
  type SitePlan,
  type SiteRegistryEntry,
} from '@moodle-preview/core';

const PLATFORM = readFileSync('workflows-examples/platform.yml', 'utf8');
const HOST = /writer_host: (\S+)/.exec(PLATFORM)![1]!;
const TODAY = '2026-12-07';

/** site-b's plan: database mdl_shared and moodledata folder shared. */
const plan: SitePlan = (() => {
  const site = checkSiteText(
    'settings.yml',
    "preview_link: site-b\nphp_version: '8.0'\npreview_db_name: mdl_shared\nmoodledata_folder: shared\n",
  );
  const platform = checkPlatformText('platform.yml', PLATFORM);
  const resolved = resolveSite(site.value!, platform.value!, site.source);
  return planSite(resolved.site!, platform.value!);
})();

type Retired = SiteRegistryEntry['retired'][number];
function entry(
  link: string,
  o: { db?: string; folder?: string; host?: string; retired?: Partial<Retired>[] } = {},
): SiteRegistryEntry {
  return registryEntrySchema.parse({
    schemaVersion: 1,
    previewLink: link,
    url: `https://${link}.example`,
    cluster: 'moodle_cluster',
    service: `mdl-${link}`,
    taskFamily: `mdl_ecs_task_def-${link}`,
    container: link,
    databases: { moodle: o.db ?? `mdl_${link.replace(/-/g, '_')}` },
    dbUser: link,
    dbHost: o.host ?? HOST,
    moodledataFolder: o.folder ?? link,
    logGroup: `/moodle-preview/sites/${link}`,
    retired: (o.retired ?? []).map((r) => ({ since: '2026-11-01', reason: 'site destroyed', ...r })),
  });
}

describe('findConflicts', () => {
  it('finds the live data another site uses on the same server, and nothing else', () => {
    expect(plan.resources.databases.spec.databases.map((d) => d.name)).toEqual(['mdl_shared']);
    expect(plan.resources.moodledata.spec.folder).toBe('shared');
    expect(
      findConflicts(plan, [
        entry('site-a', { db: 'mdl_shared' }),
        entry('site-c', { folder: 'shared' }),
        // The same database name on another server is another database.
        entry('elsewhere', { db: 'mdl_shared', host: 'other-cluster.example' }),
        // The site's own entry is never a conflict.
        entry('site-b', { db: 'mdl_shared', folder: 'shared' }),
        entry('unrelated'),
      ]),
    ).toEqual([
      { site: 'site-a', kind: 'database', name: 'mdl_shared' },
      { site: 'site-c', kind: 'moodledata', name: 'shared' },
    ]);
  });

  it('lets a site use data another site retired, but only that kind and that name', () => {
    // Retired: no longer in use there.
    expect(
      findConflicts(plan, [
        entry('site-a', { db: 'mdl_shared', retired: [{ kind: 'database', name: 'mdl_shared' }] }),
        entry('site-c', { folder: 'shared', retired: [{ kind: 'moodledata', name: 'shared' }] }),
      ]),
    ).toEqual([]);
    // A retired record of another kind, or of another name, does not free the data in use.
    expect(
      findConflicts(plan, [
        entry('site-a', { db: 'mdl_shared', retired: [{ kind: 'moodledata', name: 'mdl_shared' }] }),
        entry('site-c', { folder: 'shared', retired: [{ kind: 'moodledata', name: 'old-folder' }] }),
        entry('site-d', { db: 'mdl_shared', retired: [{ kind: 'database', name: 'mdl_other' }] }),
      ]),
    ).toEqual([
      { site: 'site-a', kind: 'database', name: 'mdl_shared' },
      { site: 'site-c', kind: 'moodledata', name: 'shared' },
      { site: 'site-d', kind: 'database', name: 'mdl_shared' },
    ]);
  });
});

describe('guardConflicts', () => {
  it('refuses with every conflict, and asks for one takeover at a time when two sites are involved', () => {
    const one = () => guardConflicts(plan, [entry('site-a', { db: 'mdl_shared' })], undefined, TODAY);
    expect(one).toThrow(ConfigurationError);
    expect(one).toThrow(
      /^site-b would use data of another live site: database mdl_shared \(used by site site-a\)\. .*set takeover: site-a$/,
    );
    const two = () =>
      guardConflicts(
        plan,
        [entry('site-a', { db: 'mdl_shared' }), entry('site-c', { folder: 'shared' })],
        'site-a',
        TODAY,
      );
    // The takeover of site-a does not cover site-c's folder.
    expect(two).toThrow(
      /^site-b would use data of another live site: moodledata shared \(used by site site-c\)\./,
    );
    expect(() =>
      guardConflicts(
        plan,
        [entry('site-a', { db: 'mdl_shared' }), entry('site-c', { folder: 'shared' })],
        undefined,
        TODAY,
      ),
    ).toThrow(/set takeover: site-a,site-c \(one site at a time\)$/);
  });

  it("hands back the taken-over site's entry with the data recorded as retired there", () => {
    const taken = guardConflicts(
      plan,
      [entry('unrelated'), entry('site-a', { db: 'mdl_shared', folder: 'shared' })],
      'site-a',
      TODAY,
    );
    expect(taken?.previewLink).toBe('site-a');
    expect(taken?.retired).toEqual([
      { kind: 'database', name: 'mdl_shared', since: TODAY, reason: 'taken over by site-b' },
      { kind: 'moodledata', name: 'shared', since: TODAY, reason: 'taken over by site-b' },
    ]);
  });

  it('refuses a takeover of a site the registry does not have', () => {
    expect(() => guardConflicts(plan, [entry('unrelated')], 'ghost', TODAY)).toThrow(
      new ConfigurationError('takeover names site ghost, which is not in the site registry'),
    );
  });

  it("with nothing live to take over, re-labels the named site's retired records (a refresh's -prep site)", () => {
    const prep = entry('site-b-prep', {
      db: 'mdl_shared',
      folder: 'shared',
      retired: [
        { kind: 'database', name: 'mdl_shared' },
        { kind: 'moodledata', name: 'shared' },
      ],
    });
    const relabelled = guardConflicts(plan, [prep], 'site-b-prep', TODAY);
    expect(relabelled?.retired.map((r) => `${r.kind} ${r.name}: ${r.reason} since ${r.since}`)).toEqual([
      'database mdl_shared: taken over by site-b since 2026-11-01',
      'moodledata shared: taken over by site-b since 2026-11-01',
    ]);
    // Without takeover, the same records are claimed too (there is no live conflict to refuse).
    expect(guardConflicts(plan, [prep], undefined, TODAY)?.previewLink).toBe('site-b-prep');
  });
});

describe('claimRetired', () => {
  it('claims only the retired records of this plan’s data, on its server, not claimed already', () => {
    const mixed = entry('old', {
      retired: [
        { kind: 'database', name: 'mdl_shared' },
        { kind: 'database', name: 'mdl_other' },
        { kind: 'moodledata', name: 'shared' },
        { kind: 'moodledata', name: 'other-folder' },
      ],
    });
    expect(claimRetired(plan, [mixed])?.retired.map((r) => `${r.kind} ${r.name}: ${r.reason}`)).toEqual([
      'database mdl_shared: taken over by site-b',
      'database mdl_other: site destroyed',
      'moodledata shared: taken over by site-b',
      'moodledata other-folder: site destroyed',
    ]);
    // A database of the same name on another server is not this plan's.
    expect(
      claimRetired(plan, [
        entry('far', { host: 'other-cluster.example', retired: [{ kind: 'database', name: 'mdl_shared' }] }),
      ]),
    ).toBeUndefined();
    // Another name of either kind, or a record this site claimed already: nothing to claim.
    expect(
      claimRetired(plan, [
        entry('x', { retired: [{ kind: 'database', name: 'mdl_other' }] }),
        entry('y', { retired: [{ kind: 'moodledata', name: 'other-folder' }] }),
        entry('z', { retired: [{ kind: 'database', name: 'mdl_shared', reason: 'taken over by site-b' }] }),
        entry('site-b', { retired: [{ kind: 'database', name: 'mdl_shared' }] }),
      ]),
    ).toBeUndefined();
  });

  it('claims from the preferred site first, else from the first in the registry', () => {
    const records = [{ kind: 'database' as const, name: 'mdl_shared' }];
    const entries = [entry('first', { retired: records }), entry('second', { retired: records })];
    expect(claimRetired(plan, entries)?.previewLink).toBe('first');
    expect(claimRetired(plan, entries, 'second')?.previewLink).toBe('second');
    expect(claimRetired(plan, [...entries].reverse(), 'second')?.previewLink).toBe('second');
  });
});
