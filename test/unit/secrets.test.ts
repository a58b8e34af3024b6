// Hiding secrets in text the suite writes itself: as themselves, inside longer base64 and base64url
// text at every byte offset, in the CLI's log lines; and which variable names count as credentials.
import { describe, expect, it } from '@jest/globals';
import { isCredentialName, isPasswordName, lineLogger, redactSecrets } from '@moodle-preview/core';

const SECRET = 'Zq3vN8pLr2Tx7WkHbY4s';

/** The base64 characters of `full` that encode only the secret's bytes, placed `offset` bytes in. */
function secretPart(full: string, offset: number, length: number): string {
  return full.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + length)) / 6));
}

describe('redactSecrets', () => {
  it('hides a secret as itself and as base64 of it alone', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    expect(redactSecrets(`pw=${SECRET} b64=${b64}.`, [SECRET])).toBe('pw=*** b64=***.');
  });

  it.each([0, 1, 2, 3, 4, 5, 7])(
    'hides it inside a longer base64 and base64url text, %i byte(s) after its start',
    (offset) => {
      for (const encoding of ['base64', 'base64url'] as const) {
        const prefix = 'user:'.repeat(3).slice(0, offset);
        const full = Buffer.from(`${prefix}${SECRET}?>~ trailing text`).toString(encoding);
        const out = redactSecrets(`Authorization: Basic ${full}`, [SECRET]);
        const inner = secretPart(full, offset, SECRET.length);
        expect(out).toContain('***');
        expect(out).not.toContain(inner.slice(1, -1));
        // What encodes the text around the secret stays readable.
        expect(out).toContain(`Basic ${full.slice(0, Math.floor((8 * offset) / 6))}`);
        expect(out.endsWith(full.slice(Math.ceil((8 * (offset + SECRET.length)) / 6)))).toBe(true);
      }
    },
  );

  it('leaves text without the secret alone, and does not hide short runs of common text', () => {
    const text = 'deployed mdl-4-demo: aGVsbG8gd29ybGQ= (hello world)';
    expect(redactSecrets(text, [SECRET])).toBe(text);
    expect(redactSecrets('a b c', ['b'])).toBe('a *** c');
    expect(redactSecrets('YWJj abc', ['abc'])).toBe('YWJj ***');
  });
});

describe('lineLogger', () => {
  it('hides a masked secret inside base64 in every later line', () => {
    const lines: string[] = [];
    const log = lineLogger((l) => lines.push(l));
    log.mask(SECRET);
    log.info(`header: Basic ${Buffer.from(`admin:${SECRET}`).toString('base64')}`);
    log.warning(`plain ${SECRET}`);
    expect(lines.join('\n')).not.toContain(
      secretPart(Buffer.from(`admin:${SECRET}`).toString('base64'), 6, SECRET.length).slice(1, -1),
    );
    expect(lines).toEqual([expect.stringMatching(/^header: Basic \S*\*\*\*/), 'warning: plain ***']);
  });
});

describe('credential names', () => {
  it.each([
    'MOODLE_DB_PASSWORD',
    'DB_PASSWD',
    'MYSQL_PWD',
    'SMTP_PASS',
    'API_TOKEN',
    'OAUTH_CLIENT_SECRET',
    'AWS_SECRET_ACCESS_KEY',
    'GOOGLE_CREDENTIALS',
    'BASIC_AUTH',
    'PASSWORD_SALT',
    'PRIVATE_KEY_PEM',
    'SESSION_COOKIE',
  ])('%s is a credential', (name) => expect(isCredentialName(name)).toBe(true));

  it.each(['MOODLE_WWWROOT', 'MOODLE_DB_NAME', 'MOODLE_DB_USER', 'TZ', 'PHP_MEMORY_LIMIT'])(
    '%s is not',
    (name) => expect(isCredentialName(name)).toBe(false),
  );

  it('password names: PASSWORD, PASSWD and PWD, not the user or the host', () => {
    expect(['MOODLE_DB_PASSWORD', 'DB_PASSWD', 'MYSQL_PWD', 'db_pwd'].map(isPasswordName)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['MOODLE_DB_USER', 'MOODLE_DB_HOST', 'API_TOKEN'].map(isPasswordName)).toEqual([
      false,
      false,
      false,
    ]);
  });
});
