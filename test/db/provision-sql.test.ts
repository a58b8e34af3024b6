// The SQL builder on its own (no server): exact statements, validation, escaping of grant patterns,
// the password placeholder, and the diff between a target and a read state.
import { describe, expect, it } from '@jest/globals';
import {
  diffProvision,
  driverQuery,
  grantPatternCovers,
  grantSchema,
  parseProvisionState,
  PASSWORD_PLACEHOLDER,
  provisionStatements,
  sqlScript,
  stateQueries,
  type ProvisionState,
} from '../../packages/core/src/db/index.js';
import { ConfigurationError } from '../../packages/core/src/errors.js';
import { exampleTarget, sitePassword, target } from './site-targets.js';

const ALL = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
];

describe('provisionStatements', () => {
  it("builds the example plan's statements: utf8mb4, IF NOT EXISTS, escaped grant patterns", async () => {
    expect(provisionStatements(await exampleTarget()).map((s) => s.sql)).toEqual([
      'CREATE DATABASE IF NOT EXISTS `moodle_42_demo` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      'CREATE DATABASE IF NOT EXISTS `mim_42_demo` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci',
      'CREATE USER IF NOT EXISTS `moodle_demo`@`%` IDENTIFIED BY @@SITE_DB_PASSWORD@@',
      'GRANT ALL PRIVILEGES ON `moodle\\_42\\_demo`.* TO `moodle_demo`@`%`',
      'GRANT ALL PRIVILEGES ON `mim\\_42\\_demo`.* TO `moodle_demo`@`%`',
    ]);
  });

  it('never drops, alters or changes a password', () => {
    const sql = sqlScript(provisionStatements(target('a_db', 'a_user', 'a_mim')).map((s) => s.sql));
    expect(sql).not.toMatch(/\b(DROP|ALTER|REVOKE|SET PASSWORD|DELETE|UPDATE)\b/i);
    expect(sql.match(/IF NOT EXISTS/g)).toHaveLength(3);
  });

  it('refuses every bad name in one error', () => {
    const bad = { ...target('bad`db', "bad'user"), databases: target('bad`db', 'x', '1234').databases };
    const err = (() => {
      try {
        provisionStatements(bad);
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a refusal');
    })();
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain('database name "bad`db"');
    expect(err.message).toContain('database name "1234"');
    expect(err.message).toContain('database user "bad\'user"');
  });

  it('refuses a grant on a database that is not provisioned, and a host other than %', () => {
    const t = target('g_db', 'g_user');
    expect(() =>
      provisionStatements({
        ...t,
        user: { ...t.user, grants: [{ database: 'other_db', privileges: 'ALL PRIVILEGES' }] },
      }),
    ).toThrow(/grant on other_db: that database is not provisioned/);
    expect(() => provisionStatements({ ...t, user: { ...t.user, host: 'localhost' as '%' } })).toThrow(
      /host must be '%'/,
    );
  });
});

describe('the password placeholder', () => {
  it('is unquoted, so an unsubstituted statement is a syntax error rather than a password', () => {
    const createUser = provisionStatements(target('p_db', 'p_user')).find((s) => s.kind === 'create-user')!;
    expect(createUser.sql.endsWith(`IDENTIFIED BY ${PASSWORD_PLACEHOLDER}`)).toBe(true);
    expect(createUser.action).toBe("create user p_user@'%'");
  });

  it('becomes a mysql2 value, never part of the text', () => {
    const [db, user] = provisionStatements(target('p_db', 'p_user'));
    const password = sitePassword();
    expect(driverQuery(user!, password)).toEqual({
      sql: 'CREATE USER IF NOT EXISTS `p_user`@`%` IDENTIFIED BY ?',
      values: [password],
    });
    expect(driverQuery(db!, password)).toEqual({ sql: db!.sql, values: [] });
  });

  it.each(["it's", 'short1', 'with space 1234567890', 'dollar$1234567890abc', 'ünïcödé1234567890ab'])(
    'refuses the password %j without quoting it',
    (bad) => {
      const user = provisionStatements(target('p_db', 'p_user'))[1]!;
      expect(() => driverQuery(user, bad)).toThrow(ConfigurationError);
      try {
        driverQuery(user, bad);
      } catch (e) {
        expect((e as Error).message).not.toContain(bad);
      }
    },
  );
});

describe('grant patterns', () => {
  it('escapes the LIKE wildcards of a database name', () => {
    expect(grantSchema('moodle_42_demo')).toBe('moodle\\_42\\_demo');
    expect(grantSchema('plain')).toBe('plain');
  });

  it.each([
    ['moodle\\_42\\_demo', 'moodle_42_demo', true],
    ['moodle\\_42\\_demo', 'moodleX42Xdemo', false],
    ['moodle_42_demo', 'moodle_42_demo', true],
    ['moodle_42_demo', 'moodleX42Xdemo', true],
    ['moodle\\_%', 'moodle_42_demo', true],
    ['%', 'anything', true],
    ['Moodle\\_db', 'moodle_db', false],
    ['moodle.db', 'moodleXdb', false],
  ])('%s covers %s: %s', (pattern, name, covers) => {
    expect(grantPatternCovers(pattern, name)).toBe(covers);
  });
});

describe('state and diff', () => {
  const t = target('s_db', 's_user', 's_mim');

  it('reads with SELECTs only, names quoted as strings', () => {
    const queries = stateQueries(t);
    for (const q of queries) expect(q).toMatch(/^SELECT /);
    expect(queries[0]).toContain("IN ('s_db', 's_mim')");
    expect(queries[1]).toContain("GRANTEE = '''s_user''@''%'''");
  });

  it('everything missing: every statement, in order', () => {
    const diff = diffProvision(t, { databases: [], userExists: false, grants: [] });
    expect(diff.statements.map((s) => s.kind)).toEqual([
      'create-database',
      'create-database',
      'create-user',
      'grant',
      'grant',
    ]);
    expect(diff.unchanged).toEqual([]);
  });

  it('everything there: nothing to run', () => {
    const state = parseProvisionState([
      ['database', 's_db', 'utf8mb4', 'utf8mb4_unicode_ci'],
      ['database', 's_mim', 'utf8mb4', 'utf8mb4_unicode_ci'],
      ['user', "'s_user'@'%'"],
      ...ALL.map((p) => ['grant', 's\\_db', p]),
      ...ALL.map((p) => ['grant', 's\\_mim', p]),
      ['grant', 's\\_mim', 'DELETE HISTORY'],
    ]);
    const diff = diffProvision(t, state);
    expect(diff.statements).toEqual([]);
    expect(diff.unchanged).toHaveLength(5);
    expect(diff.warnings).toEqual([]);
  });

  it('a grant that lacks one privilege is granted again; a user that is missing gets its grants', () => {
    const partial: ProvisionState = {
      databases: [
        { name: 's_db', characterSet: 'utf8mb4', collation: 'utf8mb4_unicode_ci' },
        { name: 's_mim', characterSet: 'utf8mb4', collation: 'utf8mb4_general_ci' },
      ],
      userExists: true,
      grants: [
        { schema: 's\\_db', privileges: ALL },
        { schema: 's\\_mim', privileges: ALL.filter((p) => p !== 'TRIGGER') },
      ],
    };
    const diff = diffProvision(t, partial);
    expect(diff.statements.map((s) => s.action)).toEqual(["grant ALL PRIVILEGES on s_mim.* to s_user@'%'"]);
    expect(diff.warnings).toEqual([expect.stringContaining('s_mim is utf8mb4 / utf8mb4_general_ci')]);
    // Grants recorded under a user that does not exist are not trusted.
    expect(diffProvision(t, { ...partial, userExists: false }).statements.map((s) => s.kind)).toEqual([
      'create-user',
      'grant',
      'grant',
    ]);
  });
});
