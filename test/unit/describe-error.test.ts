// describeError: the message of an error and of every error it wraps, so "fetch failed" says why.
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, describeError, runAction } from '@moodle-preview/core';

describe('describeError', () => {
  it('follows the cause chain, adding a code the message does not already hold', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND demo.example'), { code: 'ENOTFOUND' });
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(describeError(new TypeError('fetch failed', { cause: dns }))).toBe(
      'fetch failed: getaddrinfo ENOTFOUND demo.example',
    );
    expect(describeError(new TypeError('fetch failed', { cause: tls }))).toBe(
      'fetch failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)',
    );
    expect(describeError(new Error('outer', { cause: new Error('middle', { cause: 'a string' }) }))).toBe(
      'outer: middle: a string',
    );
  });

  it("lists an AggregateError's errors (a connect that tried IPv6 and IPv4)", () => {
    const both = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:3306'), new Error('connect ECONNREFUSED 127.0.0.1:3306')],
      '',
    );
    expect(describeError(new Error('cannot connect', { cause: both }))).toBe(
      'cannot connect: connect ECONNREFUSED ::1:3306; connect ECONNREFUSED 127.0.0.1:3306',
    );
  });

  it('stops on a cycle and on values that are not errors', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(describeError(b)).toBe('b: a');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(undefined)).toBe('');
  });
});

describe("an action's failure message", () => {
  it('carries the cause of what it wraps, as the ::error:: command the runner shows', async () => {
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    const exitCode = process.exitCode;
    try {
      const dns = Object.assign(new Error('getaddrinfo ENOTFOUND graph.example'), { code: 'ENOTFOUND' });
      await runAction(async () => {
        throw new TypeError('fetch failed', { cause: dns });
      });
      await runAction(async () => {
        throw new ConfigurationError('the platform file cannot be read', { cause: new Error('EACCES') });
      });
    } finally {
      process.stdout.write = write;
      process.exitCode = exitCode;
    }
    const errors = written.filter((l) => l.startsWith('::error::')).map((l) => l.trim());
    expect(errors).toEqual([
      '::error::fetch failed: getaddrinfo ENOTFOUND graph.example',
      '::error::the platform file cannot be read: EACCES',
    ]);
  });
});
