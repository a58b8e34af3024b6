// Hiding secrets in text the suite writes itself (the CLI's log lines, a runner's console output):
// each secret as itself and as it shows inside base64 or base64url text. Inside a longer base64 text a
// secret starts at one of three byte offsets modulo 3, and each offset encodes it differently; the
// characters that depend only on the secret's own bytes are the same wherever it sits, so hiding those
// three runs hides it in any base64 text. (The GitHub runner masks these shifts for core.setSecret
// itself: actions/runner's ValueEncoders.Base64StringEscapeShift1/2.)

/** Shorter encoded runs than this are not hidden: they would hide common text, not a secret. */
const MIN_FORM = 6;

/**
 * The run of base64 characters that encodes `secret` when it starts `shift` bytes (0-2) after a
 * 3-byte boundary: characters whose 6 bits come from the secret's bytes alone.
 */
function base64Run(secret: Buffer, shift: 0 | 1 | 2, url: boolean): string {
  const encoded = Buffer.concat([Buffer.alloc(shift), secret]).toString(url ? 'base64url' : 'base64');
  const first = Math.ceil((8 * shift) / 6); // the characters before hold bits of the bytes before
  const end = Math.floor((8 * (shift + secret.length)) / 6); // the ones after, bits of the bytes after
  return encoded.slice(first, end);
}

/** Every form of a secret to hide, longest first (so no shorter form splits a longer one). */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = new Set<string>([secret]);
  for (const url of [false, true]) {
    // Whole: what base64 of the secret alone reads, padding included.
    forms.add(bytes.toString(url ? 'base64url' : 'base64'));
    for (const shift of [0, 1, 2] as const) forms.add(base64Run(bytes, shift, url));
  }
  return [...forms]
    .filter((f) => f === secret || f.length >= MIN_FORM)
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
}

/** `text` with each secret, and each of its base64 forms, replaced by ***. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const forms = [...new Set(secrets.filter(Boolean).flatMap(secretForms))].sort(
    (a, b) => b.length - a.length,
  );
  return forms.reduce((out, form) => out.split(form).join('***'), text);
}

/**
 * Names of environment variables that hold credentials (today's revisions carry some in plain text).
 * Words, not exact names: `DB_PASSWORD`, `MYSQL_PWD`, `SMTP_PASSWD`, `API_TOKEN`, `CLIENT_SECRET`,
 * `AWS_SECRET_ACCESS_KEY`, `OAUTH_CREDENTIALS`, `AUTH_SALT`, `PRIVATE_KEY`. Hiding a value that is not
 * a secret costs a diff line its detail; showing one that is costs the secret.
 */
const CREDENTIAL_NAME = /pass|pwd|secret|token|key|credential|auth|salt|private|cookie|session/i;
/** Names of variables that hold a password: `MOODLE_DB_PASSWORD`, `DB_PASSWD`, `MYSQL_PWD`. */
const PASSWORD_NAME = /pass|pwd/i;

export const isCredentialName = (name: string) => CREDENTIAL_NAME.test(name);
export const isPasswordName = (name: string) => PASSWORD_NAME.test(name);
