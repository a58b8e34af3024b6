// What purge-retired decides, without AWS: which retired records are purged, which are too recent,
// in use by a live site or handed over, how old a record is, and the only rm its task may run.
import { describe, expect, it } from '@jest/globals';
import {
  ageInDays,
  retiredFolderScript,
  selectRetired,
  type RetiredData,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { registryEntry, retiredRecord } from './registry-records.js';

const TODAY = new Date('2027-03-10T15:30:00Z');

const entry = registryEntry;
const rec = (kind: RetiredData['kind'], name: string, since = '2027-03-01', reason = 'replaced') =>
  retiredRecord(kind, name, since, reason);

const decisions = (entries: SiteRegistryEntry[], days = 7) =>
  selectRetired(entries, TODAY, days).map(
    (i) => `${i.site} ${i.record.kind} ${i.record.name}: ${i.decision}`,
  );

describe('ageInDays', () => {
  it('counts whole calendar days in UTC from the record date, whatever the time of day', () => {
    expect(ageInDays('2027-03-10', TODAY)).toBe(0);
    expect(ageInDays('2027-03-09', TODAY)).toBe(1);
    expect(ageInDays('2027-03-03T23:59:59Z', TODAY)).toBe(7);
    expect(ageInDays('2027-02-28', TODAY)).toBe(10);
    expect(ageInDays('2027-03-11', TODAY)).toBe(-1);
  });

  it('an unreadable date is -1: never old enough to purge', () => {
    expect(ageInDays('soon', TODAY)).toBe(-1);
    expect(decisions([entry('a', { retired: [rec('database', 'old_db', 'someday')] })], 0)).toEqual([
      'a database old_db: too recent',
    ]);
  });
});

describe('selectRetired', () => {
  it('purges a record exactly N days old, keeps one a day younger', () => {
    const a = entry('a', {
      retired: [rec('database', 'db_7', '2027-03-03'), rec('database', 'db_6', '2027-03-04')],
    });
    expect(decisions([a], 7)).toEqual(['a database db_7: purge', 'a database db_6: too recent']);
    const [old, young] = selectRetired([a], TODAY, 7);
    expect(old!.note).toBe('retired 7 day(s) ago: replaced');
    expect(young!.note).toBe('retired 6 day(s) ago (< 7)');
    expect(decisions([a], 0)).toEqual(['a database db_7: purge', 'a database db_6: purge']);
  });

  it('leaves data a live site uses now: its databases, user and folder on the same host, its secret', () => {
    const live = entry('live');
    const old = entry('old', {
      destroyedAt: '2027-01-01',
      retired: [
        rec('database', 'moodle_live', '2020-01-01'),
        rec('database', 'mim_live', '2020-01-01'),
        rec('db-user', 'mdl_live', '2020-01-01'),
        rec('moodledata', 'live-data', '2020-01-01'),
        rec('db-secret', 'moodle-preview/sites/live/db', '2020-01-01'),
        rec('database', 'moodle_gone', '2020-01-01'),
      ],
    });
    expect(decisions([live, old])).toEqual([
      'old database moodle_live: in use',
      'old database mim_live: in use',
      'old db-user mdl_live: in use',
      'old moodledata live-data: in use',
      'old db-secret moodle-preview/sites/live/db: in use',
      'old database moodle_gone: purge',
    ]);
    expect(selectRetired([live, old], TODAY, 7)[0]!.note).toBe('live site live uses it');
  });

  it('a database or user of the same name on another host is not in use; a folder is (one EFS)', () => {
    const live = entry('live', { dbHost: 'db-b.internal' });
    const old = entry('old', {
      retired: [
        rec('database', 'moodle_live', '2020-01-01'),
        rec('db-user', 'mdl_live', '2020-01-01'),
        rec('moodledata', 'live-data', '2020-01-01'),
      ],
    });
    expect(decisions([live, old])).toEqual([
      'old database moodle_live: purge',
      'old db-user mdl_live: purge',
      'old moodledata live-data: in use',
    ]);
  });

  it('a record is in use only by what the live site uses as that kind', () => {
    const live = entry('live', { moodledataFolder: 'shared-name', dbUser: 'shared_user' });
    const old = entry('old', {
      retired: [
        rec('db-user', 'moodle_live', '2020-01-01'), // a user named like the live site's database
        rec('database', 'shared_user', '2020-01-01'), // a database named like its user
        rec('moodledata', 'moodle_live', '2020-01-01'), // a folder named like its database
        rec('database', 'shared-name', '2020-01-01'), // a database named like its folder
        rec('moodledata', 'moodle-preview/sites/live/db', '2020-01-01'), // a folder named like its secret
      ],
    });
    expect(decisions([live, old]).every((d) => d.endsWith(': purge'))).toBe(true);
  });

  it('a destroyed site uses nothing', () => {
    const gone = entry('gone', { destroyedAt: '2027-02-01' });
    const old = entry('old', { retired: [rec('database', 'moodle_gone', '2020-01-01')] });
    expect(decisions([gone, old])).toEqual(['old database moodle_gone: purge']);
  });

  it('handed over wins over everything: the taking site’s own record governs', () => {
    const taker = entry('taker');
    const prep = entry('prep', {
      destroyedAt: '2027-01-01',
      retired: [
        rec('database', 'moodle_taker', '2020-01-01', 'taken over by taker'),
        rec('database', 'moodle_x', '2027-03-10', 'taken over by taker'),
        rec('database', 'moodle_y', '2020-01-01', 'was taken over by nobody'),
      ],
    });
    expect(decisions([taker, prep])).toEqual([
      'prep database moodle_taker: handed over',
      'prep database moodle_x: handed over',
      'prep database moodle_y: purge',
    ]);
    expect(selectRetired([taker, prep], TODAY, 7)[0]!.note).toBe(
      "taken over by taker; that site's own record governs it",
    );
  });

  it('in use wins over too recent', () => {
    const live = entry('live');
    const old = entry('old', { retired: [rec('database', 'moodle_live', '2027-03-10')] });
    expect(decisions([live, old])).toEqual(['old database moodle_live: in use']);
  });
});

describe('retiredFolderScript', () => {
  it('takes folder names that start with a dot, and a mount path with trailing slashes', () => {
    const script = retiredFolderScript('/mnt/efs//', ['.trash', '..old']);
    expect(script).toContain("rm -rf -- '/mnt/efs/.trash'");
    expect(script).toContain("rm -rf -- '/mnt/efs/..old'");
  });

  it('removes exactly <mount>/<folder> for each folder, and says which were there', () => {
    const script = retiredFolderScript('/var/www/moodledata/', ['a-2026', 'b.old']);
    expect(script.split('\n')).toEqual([
      'set -eu',
      "if [ -e '/var/www/moodledata/a-2026' ]; then rm -rf -- '/var/www/moodledata/a-2026' && echo 'moodledata-removed a-2026'; else echo 'moodledata-absent a-2026'; fi",
      "if [ -e '/var/www/moodledata/b.old' ]; then rm -rf -- '/var/www/moodledata/b.old' && echo 'moodledata-removed b.old'; else echo 'moodledata-absent b.old'; fi",
      'echo moodledata-purge-done',
    ]);
  });

  it.each([
    ['the mount itself', '/mnt/efs', ['.']],
    ['its parent', '/mnt/efs', ['..']],
    ['a path', '/mnt/efs', ['a/b']],
    ['a quote', '/mnt/efs', ["a'b"]],
    ['an empty name', '/mnt/efs', ['']],
    ['the cron logs', '/mnt/efs', ['cron_logs']],
    ['a relative mount', 'mnt/efs', ['a']],
    ['a mount with ..', '/mnt/../etc', ['a']],
    ['the root as mount', '/', ['a']],
    ['a mount with a command after it', '/mnt/efs; rm -rf /', ['a']],
  ])('refuses %s', (_what, mount, folders) => {
    expect(() => retiredFolderScript(mount, folders)).toThrow(/refusing to remove moodledata/);
  });

  it('says what is wrong with the mount path', () => {
    expect(() => retiredFolderScript('mnt/efs', ['a'])).toThrow(
      'refusing to remove moodledata: mount path mnt/efs must be absolute',
    );
  });

  it('names every bad folder', () => {
    expect(() => retiredFolderScript('/mnt/efs', ['ok', '..', 'a/b'])).toThrow(
      'refusing to remove moodledata: folder name(s) "..", "a/b" must each be one folder name',
    );
  });
});
