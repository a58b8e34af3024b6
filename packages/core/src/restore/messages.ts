// What the restore says when something fails: its error type, driver errors with the secrets taken
// out (and the fix named for the two a dump most often meets), and a short preview of a statement.
import type { Logger } from '../logger.js';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

/** Redacts secrets and mysql2's `sql` (which can hold a password) from a driver error. */
export function sqlMessage(err: unknown, secrets: readonly string[]): string {
  const e = err as { code?: string; errno?: number; message?: string };
  let text = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  for (const s of secrets) if (s) text = text.split(s).join('***');
  if (/Unknown collation|ER_UNKNOWN_COLLATION/i.test(text))
    text += ' — map it with map-collation, e.g. utf8mb4_0900_ai_ci=utf8mb4_unicode_ci';
  if (/max_allowed_packet|ER_NET_PACKET_TOO_LARGE/i.test(text))
    text += ' — a single row is larger than the server accepts: raise max_allowed_packet on the server';
  return text;
}

/** The first ~120 characters of a statement, whitespace folded, quoted. */
export const preview = (sql: string | Buffer): string => {
  const text = (typeof sql === 'string' ? Buffer.from(sql, 'latin1') : sql)
    .subarray(0, 160)
    .toString('utf8')
    .replace(/\s+/g, ' ');
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
};

export const quietLogger: Logger = {
  info: () => {},
  warning: () => {},
  error: () => {},
  debug: () => {},
  group: (_n, fn) => fn(),
  mask: () => {},
};

/** Notes said once each (logged as they come, listed in the result). */
export class Notes {
  private readonly said = new Set<string>();

  constructor(private readonly log: Logger) {}

  add(text: string): void {
    if (this.said.has(text)) return;
    this.said.add(text);
    this.log.info(`note: ${text}`);
  }

  list(): string[] {
    return [...this.said];
  }
}
