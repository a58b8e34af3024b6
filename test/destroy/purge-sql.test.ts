// The purge's builders on their own (no server): the exact DROPs, the refusals of names that must
// never be dropped or removed, and the parsing of what the state queries return.
import { describe, expect, it } from '@jest/globals';
import {
  ConfigurationError,
  checkPurgeInputs,
  parsePurgeState,
  purgeResult,
  purgeStatements,
  purgeTaskSql,
} from '@moodle-preview/core';
import { moodledataRemovalScript } from '../../packages/core/src/resources/moodledata.js';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigurationError');
};

describe('purgeStatements', () => {
  it('drops each database and the user, each only if it exists', () => {
    expect(purgeStatements({ databases: ['mdl_a', 'mim_a'], users: ['mdl_a'] }).map((s) => s.sql)).toEqual([
      'DROP DATABASE IF EXISTS `mdl_a`',
      'DROP DATABASE IF EXISTS `mim_a`',
      'DROP USER IF EXISTS `mdl_a`@`%`',
    ]);
    expect(purgeTaskSql({ databases: ['mdl_a'], users: ['mdl_a'] }, 'admin_user')).toBe(
      "SELECT 'database', SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('mdl_a') ORDER BY SCHEMA_NAME;\n" +
        "SELECT DISTINCT 'user', GRANTEE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE IN ('''mdl_a''@''%''') ORDER BY GRANTEE;\n" +
        'DROP DATABASE IF EXISTS `mdl_a`;\n' +
        'DROP USER IF EXISTS `mdl_a`@`%`;\n',
    );
  });

  it('refuses bad names, system schemas and accounts, and the admin account, all in one error', () => {
    const message = refusal(() =>
      purgeStatements(
        { databases: ['bad`name', 'mysql', 'information_schema', '1234'], users: ["x'y", 'root', 'boss'] },
        'boss',
      ),
    );
    expect(message.split('\n').slice(1)).toEqual([
      '- database name "bad`name" must be letters, digits and underscores (not all digits)',
      '- database mysql belongs to the server itself',
      '- database information_schema belongs to the server itself',
      '- database name "1234" must be letters, digits and underscores (not all digits)',
      '- database user "x\'y" must be letters, digits and underscores (not all digits)',
      '- database user root is a system account',
      '- database user boss is the admin account the purge runs as',
    ]);
    expect(refusal(() => purgeStatements({ databases: [], users: [] }))).toMatch(/nothing to drop/);
  });

  it('reads back what existed, telling dropped from already gone', () => {
    const state = parsePurgeState([
      ['database', 'mdl_a'],
      ['user', "'mdl_a'@'%'"],
      ['something else', 'x'],
    ]);
    expect(state).toEqual({ databases: ['mdl_a'], users: ['mdl_a'] });
    expect(purgeResult({ databases: ['mdl_a', 'mim_a'], users: ['mdl_a'] }, state)).toEqual({
      dropped: { databases: ['mdl_a'], users: ['mdl_a'] },
      absent: { databases: ['mim_a'], users: [] },
    });
  });
});

describe('moodledataRemovalScript', () => {
  it('removes exactly <mount>/<folder> and the cron log', () => {
    expect(
      moodledataRemovalScript('/moodle_data_root', ['site-a'], '/moodle_data_root/cron_logs/cron_site-a.log'),
    ).toBe(
      [
        'set -eu',
        "if [ -e '/moodle_data_root/site-a' ]; then rm -rf -- '/moodle_data_root/site-a' && echo 'moodledata-removed site-a'; else echo 'moodledata-absent site-a'; fi",
        "if [ -e '/moodle_data_root/cron_logs/cron_site-a.log' ]; then rm -f -- '/moodle_data_root/cron_logs/cron_site-a.log' && echo cron-log-removed; else echo cron-log-absent; fi",
        'echo moodledata-purge-done',
      ].join('\n'),
    );
  });

  it.each([[''], ['.'], ['..'], ['a/b'], ['/'], ['cron_logs'], ["a'b"]])(
    'refuses the folder %j',
    (folder) => {
      expect(
        refusal(() =>
          moodledataRemovalScript('/moodle_data_root', [folder], '/moodle_data_root/cron_logs/cron_x.log'),
        ),
      ).toMatch(/must be one folder name/);
    },
  );

  it.each([['/'], [''], ['relative'], ['/a/../b']])('refuses the mount path %j', (mount) => {
    expect(refusal(() => moodledataRemovalScript(mount, ['x'], `${mount}/cron_logs/cron_x.log`))).toMatch(
      /must be an absolute path other than \//,
    );
  });
});

describe('checkPurgeInputs', () => {
  it('needs confirm for purge, and a confirm must name the site', () => {
    expect(() => checkPurgeInputs('site-a', false, undefined)).not.toThrow();
    expect(() => checkPurgeInputs('site-a', true, 'site-a')).not.toThrow();
    expect(refusal(() => checkPurgeInputs('site-a', true, undefined))).toMatch(/set confirm: site-a/);
    expect(refusal(() => checkPurgeInputs('site-a', false, 'site-b'))).toMatch(
      /confirm must be exactly the preview_link/,
    );
  });
});
