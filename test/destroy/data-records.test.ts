// The records destroy reads and removes last — the DB secrets, the log group, the registry entry —
// on the AWS fake, one reader at a time: what counts as gone, what is not ours and stays, what a read
// or delete that AWS refuses does (it fails; it is never taken for "already gone"), and which log
// group is the site's when others share its name as a prefix.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateSecretCommand, DeleteSecretCommand } from '@aws-sdk/client-secrets-manager';
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  checkPlatformText,
  createAwsClients,
  destroyAwsClients,
  destroyTarget,
  memoryLogger,
  SiteRegistry,
  type AwsClients,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { AwsServiceError, createAwsFake, type AwsFake } from '@moodle-preview/aws-fake';
import { readFile } from 'node:fs/promises';
import { readDbSecrets } from '../../packages/core/src/resources/db-secret.js';
import { logGroup as logGroupResource } from '../../packages/core/src/resources/log-group.js';
import { registryRows } from '../../packages/core/src/resources/registry-entry.js';
import type { DestroyEnv } from '../../packages/core/src/destroy/types.js';
import { registryEntry, retiredRecord } from '../refresh/registry-records.js';
import { rejection } from '../harness/failure.js';

const platform = checkPlatformText(
  'platform.yml',
  await readFile('workflows-examples/platform.yml', 'utf8'),
).value!;
const OURS = (link: string) => ({
  'moodle-preview:managed-by': 'moodle-preview-actions',
  'moodle-preview:site': link,
});
const TODAY = new Date('2026-12-04T10:00:00Z');

let fake: AwsFake;
let clients: AwsClients;
beforeAll(async () => {
  fake = createAwsFake();
  await fake.listen();
  Object.assign(process.env, fake.env());
  clients = createAwsClients({ region: platform.region });
});
afterAll(async () => {
  destroyAwsClients(clients);
  await fake.close();
});
afterEach(() => {
  fake.server.beforeHandle = undefined;
});

/** The first `times` calls of `action` answer `code`, as AWS would. */
function refuse(action: string, code: string, times = 1): void {
  let left = times;
  fake.server.beforeHandle = (_service, a) => {
    if (a === action && left-- > 0) throw new AwsServiceError(code, `${code} (test)`, 400);
  };
}

/** The parameters of every `action` call from now on, as the fake received them. */
function watch(action: string): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = [];
  fake.server.beforeHandle = (_service, a, params) => {
    if (a === action) seen.push(params);
  };
  return seen;
}

let n = 0;
/** A fresh site for each case: the fake keeps state between them. */
function env(purge: boolean, entry?: SiteRegistryEntry): DestroyEnv & { link: string } {
  const link = entry?.previewLink ?? `site-${++n}`;
  return {
    link,
    clients,
    platform,
    target: destroyTarget(link, platform, entry),
    entry,
    purge,
    log: memoryLogger(),
    now: () => TODAY,
    actor: 'tester',
  } as unknown as DestroyEnv & { link: string };
}

const secret = (name: string, tags: Record<string, string>) =>
  clients.secrets.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: '{"password":"p"}',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
const logGroup = (name: string, tags: Record<string, string>) =>
  clients.logs.send(new CreateLogGroupCommand({ logGroupName: name, tags }));
describe('DB secrets', () => {
  it("gone when absent or scheduled for deletion; only the site's own secret being gone says the data is", async () => {
    const link = `sec-${++n}`;
    const e = env(
      false,
      registryEntry(link, {
        retired: [retiredRecord('db-secret', `moodle-preview/sites/${link}/db-old`, '2026-11-01')],
      }),
    );
    await secret(`moodle-preview/sites/${link}/db`, OURS(link));
    // The retired one is gone, the site's own is there: the site's data may still be in place.
    const first = await readDbSecrets(e);
    expect(first.rows.map((r) => [r.name, r.plan])).toEqual([
      [`moodle-preview/sites/${link}/db`, 'keep'],
      [`moodle-preview/sites/${link}/db-old`, 'gone'],
    ]);
    expect(first.siteSecretGone).toBe(false);
    await clients.secrets.send(
      new DeleteSecretCommand({ SecretId: `moodle-preview/sites/${link}/db`, RecoveryWindowInDays: 7 }),
    );
    const second = await readDbSecrets(e);
    expect(second.siteSecretGone).toBe(true);
    expect(second.rows[0]!.plan).toBe('gone');
    expect(second.rows[0]!.note).toMatch(/^scheduled for deletion on \d{4}-\d{2}-\d{2}$/);
    expect(second.rows[1]!.note).toBeUndefined();
  });

  it("another site's or tool's secret under the name is not ours and is never deleted", async () => {
    const e = env(true);
    await secret(`moodle-preview/sites/${e.link}/db`, OURS('someone-else'));
    const { rows, siteSecretGone } = await readDbSecrets(e);
    expect(rows[0]).toMatchObject({ plan: 'not-ours', note: 'not tagged as this site’s' });
    expect(rows[0]!.apply).toBeUndefined();
    expect(siteSecretGone).toBe(false);
  });

  it('with purge: deleted with a 7-day recovery window; deleted again it is "already gone"', async () => {
    const e = env(true);
    await secret(`moodle-preview/sites/${e.link}/db`, OURS(e.link));
    const [row] = (await readDbSecrets(e)).rows;
    expect(row).toMatchObject({ plan: 'remove', note: 'deleted with a 7-day recovery window' });
    const deletes = watch('DeleteSecret');
    expect(await row!.apply!()).toBe('removed');
    expect(deletes).toEqual([{ SecretId: `moodle-preview/sites/${e.link}/db`, RecoveryWindowInDays: 7 }]);
    // A second run that read it before the first deleted it: InvalidRequest (already scheduled).
    expect(await row!.apply!()).toBe('already gone');
    refuse('DeleteSecret', 'ResourceNotFoundException');
    expect(await row!.apply!()).toBe('already gone');
  });

  it('a delete AWS refuses fails the destroy', async () => {
    const e = env(true);
    await secret(`moodle-preview/sites/${e.link}/db`, OURS(e.link));
    const [row] = (await readDbSecrets(e)).rows;
    refuse('DeleteSecret', 'AccessDeniedException');
    expect((await rejection(row!.apply!())).name).toBe('AccessDeniedException');
  });

  it('a secret that cannot be read fails the read: it is not taken for gone', async () => {
    const e = env(true);
    await secret(`moodle-preview/sites/${e.link}/db`, OURS(e.link));
    refuse('DescribeSecret', 'AccessDeniedException');
    expect((await rejection(readDbSecrets(e))).name).toBe('AccessDeniedException');
  });
});

/** The log group's one removal row. */
const readLogGroup = async (e: DestroyEnv) => (await logGroupResource.removals(e))[0]!;

describe('the log group', () => {
  it('is found by its exact name, not by another group it is a prefix of', async () => {
    const e = env(true);
    const name = `/moodle-preview/sites/${e.link}`;
    await logGroup(`${name}-other`, OURS(`${e.link}-other`));
    expect(await readLogGroup(e)).toMatchObject({ plan: 'gone', name });
    await logGroup(name, OURS(e.link));
    const row = await readLogGroup(e);
    expect(row).toMatchObject({ plan: 'remove', name });
    expect(await row.apply!()).toBe('removed');
    expect(fake.inventory()['logs:log-group']).toContain(`${name}-other`);
    expect(fake.inventory()['logs:log-group']).not.toContain(name);
    expect(await row.apply!()).toBe('already gone');
  });

  it('kept without purge; not ours when tagged for another site', async () => {
    const kept = env(false);
    await logGroup(`/moodle-preview/sites/${kept.link}`, OURS(kept.link));
    expect(await readLogGroup(kept)).toMatchObject({
      plan: 'keep',
      note: 'data: kept (purge-data and confirm remove it)',
    });
    const foreign = env(true);
    await logGroup(`/moodle-preview/sites/${foreign.link}`, { team: 'vle' });
    expect(await readLogGroup(foreign)).toMatchObject({
      plan: 'not-ours',
      note: 'not tagged as this site’s',
    });
  });

  it('reads the tags of the group itself (its ARN without the :* the API appends)', async () => {
    const e = env(true);
    await logGroup(`/moodle-preview/sites/${e.link}`, OURS(e.link));
    const reads = watch('ListTagsForResource');
    await readLogGroup(e);
    expect(reads).toHaveLength(1);
    expect(String(reads[0]!.resourceArn)).toMatch(new RegExp(`:log-group:/moodle-preview/sites/${e.link}$`));
  });

  it('a delete AWS refuses fails the destroy', async () => {
    const e = env(true);
    await logGroup(`/moodle-preview/sites/${e.link}`, OURS(e.link));
    const row = await readLogGroup(e);
    refuse('DeleteLogGroup', 'AccessDeniedException');
    expect((await rejection(row.apply!())).name).toBe('AccessDeniedException');
  });
});

describe('the registry entry', () => {
  const registry = () => new SiteRegistry(clients.ssm);

  it('none: both rows gone, nothing to apply', () => {
    const rows = registryRows(env(true), registry(), []);
    expect(rows.map((r) => [r.resource, r.plan, r.data, r.step])).toEqual([
      ['cron entry', 'gone', false, 'registry'],
      ['registry entry', 'gone', false, 'registry'],
    ]);
    expect(rows.every((r) => !r.apply)).toBe(true);
  });

  it("an entry another tool manages (register-cron's) is left as it is, purge or not", () => {
    const entry = registryEntry(`ext-${++n}`, { managedBy: 'register-cron' });
    for (const purge of [true, false]) {
      const rows = registryRows(env(purge, entry), registry(), []);
      expect(rows.map((r) => [r.plan, r.note])).toEqual([
        ['not-ours', 'managed by register-cron'],
        ['not-ours', 'managed by register-cron'],
      ]);
      expect(rows.every((r) => !r.apply)).toBe(true);
    }
  });

  it('with purge: one delete serves both rows; without cron the cron row is gone', async () => {
    const entry = registryEntry(`reg-${++n}`);
    await registry().put(entry, true);
    const rows = registryRows(env(true, entry), registry(), []);
    expect(rows.map((r) => [r.resource, r.plan, r.note])).toEqual([
      ['cron entry', 'gone', undefined],
      ['registry entry', 'remove', 'deleted once everything it recorded is gone'],
    ]);
    expect(await rows[1]!.apply!()).toBe('removed');
    expect(await registry().get(entry.previewLink)).toBeUndefined();
  });

  it('without purge: marked destroyed once, cron removed by the same write; a second destroy writes nothing', async () => {
    const entry = registryEntry(`keep-${++n}`, { cron: { enabled: true } as never });
    await registry().put(entry, true);
    const rows = registryRows(env(false, entry), registry(), []);
    expect(rows.map((r) => [r.resource, r.plan])).toEqual([
      ['cron entry', 'remove'],
      ['registry entry', 'keep'],
    ]);
    expect(rows[1]!.note).toBe('marked destroyed on 2026-12-04; its data recorded as retired');
    fake.server.resetCalls();
    expect(await rows[0]!.apply!()).toBe('removed');
    expect(await rows[1]!.apply!()).toBe('kept');
    expect(fake.server.calls.filter((c) => c.action === 'PutParameter')).toHaveLength(1);
    const stored = (await registry().get(entry.previewLink))!;
    expect(stored).toMatchObject({ destroyedAt: '2026-12-04', updatedBy: 'tester' });
    expect(stored.cron).toBeUndefined();
    const again = registryRows(env(false, stored), registry(), []);
    expect(again.map((r) => [r.plan, r.apply])).toEqual([
      ['gone', undefined],
      ['keep', undefined],
    ]);
  });
});
