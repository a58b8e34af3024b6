// What the JSON-protocol fakes share: reading a request's members with the service's own validation
// error, shaping answers the way AWS puts them on the wire, and paging lists behind opaque tokens.
import { AwsServiceError } from '../errors.js';

/** A request's members, read with types; a missing or mistyped member is the service's validation error. */
export class RequestMembers {
  constructor(
    private readonly params: Record<string, unknown>,
    /** The service's code for a bad request (`InvalidParameterException`, `ValidationException`, …). */
    private readonly invalidCode: string,
  ) {}

  invalid(message: string): AwsServiceError {
    return new AwsServiceError(this.invalidCode, message);
  }

  private missing(name: string): AwsServiceError {
    // AWS's wording for a missing required member (Coral validation).
    return this.invalid(
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  }

  private typed<T>(name: string, ok: (v: unknown) => boolean, what: string): T | undefined {
    const value = this.params[name];
    if (value === undefined || value === null) return undefined;
    if (!ok(value)) throw this.invalid(`${name} must be ${what}`);
    return value as T;
  }

  optString(name: string): string | undefined {
    return this.typed<string>(name, (v) => typeof v === 'string', 'a string');
  }

  string(name: string): string {
    const value = this.optString(name);
    if (value === undefined || value === '') throw this.missing(name);
    return value;
  }

  optNumber(name: string): number | undefined {
    return this.typed<number>(name, (v) => typeof v === 'number' && Number.isFinite(v), 'a number');
  }

  number(name: string): number {
    const value = this.optNumber(name);
    if (value === undefined) throw this.missing(name);
    return value;
  }

  optBool(name: string): boolean | undefined {
    return this.typed<boolean>(name, (v) => typeof v === 'boolean', 'a boolean');
  }

  bool(name: string): boolean {
    return this.optBool(name) ?? false;
  }

  optList<T = unknown>(name: string): T[] | undefined {
    return this.typed<T[]>(name, Array.isArray, 'a list');
  }

  list<T = unknown>(name: string): T[] {
    const value = this.optList<T>(name);
    if (value === undefined) throw this.missing(name);
    return value;
  }

  optRecord<T = unknown>(name: string): Record<string, T> | undefined {
    return this.typed<Record<string, T>>(
      name,
      (v) => typeof v === 'object' && !Array.isArray(v),
      'a structure',
    );
  }

  /** Every member as sent (for actions that store what they do not interpret). */
  members(): Record<string, unknown> {
    return this.params;
  }

  /** An optional member kept exactly as sent (structures the fake stores but does not interpret). */
  raw<T>(name: string): T | undefined {
    const value = this.params[name];
    return value === null ? undefined : (value as T | undefined);
  }
}

/**
 * A deep copy shaped as AWS JSON protocols send it: Dates become epoch seconds (with milliseconds),
 * undefined members disappear. Copying also keeps later changes to the fake's state out of an answer.
 */
export function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toWire(v);
    return out;
  }
  return value;
}

/** A copy of plain data (stored inputs must not share objects with the caller or with answers). */
export function copyOf<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

/**
 * One page of a list. Tokens are opaque to callers (an offset inside base64, as AWS's tokens are opaque
 * blobs); a token the fake did not hand out is answered with `badToken`.
 */
export function pageOf<T>(
  all: readonly T[],
  token: string | undefined,
  max: number,
  badToken: () => AwsServiceError,
): Page<T> {
  let start = 0;
  if (token !== undefined) {
    const match = /^page:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
    if (!match) throw badToken();
    start = Number(match[1]);
  }
  const items = all.slice(start, start + max);
  const next = start + items.length;
  return {
    items,
    nextToken: next < all.length ? Buffer.from(`page:${next}`).toString('base64') : undefined,
  };
}

/** The page size a caller asked for, within the service's bounds. */
export function pageSize(
  requested: number | undefined,
  bounds: { default: number; max: number },
  invalid: (message: string) => AwsServiceError,
  member = 'maxResults',
): number {
  if (requested === undefined) return bounds.default;
  if (!Number.isInteger(requested) || requested < 1 || requested > bounds.max) {
    throw invalid(
      `1 validation error detected: Value '${requested}' at '${member}' failed to satisfy constraint: Member must have value less than or equal to ${bounds.max}`,
    );
  }
  return requested;
}

/** The answer to an action the fake does not implement (what AWS says for an unknown target). */
export function unknownOperation(service: string, action: string): AwsServiceError {
  return new AwsServiceError('UnknownOperationException', `the fake does not implement ${service}:${action}`);
}

/** Letters and digits from the fake's deterministic ids (ARN suffixes, password characters). */
export function alphanumeric(hex: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let n = BigInt(`0x${hex}`);
  let out = '';
  for (let i = 0; i < length; i++) {
    out += alphabet[Number(n % 62n)];
    n = n / 62n + BigInt(i * 7919 + 1);
  }
  return out;
}
