// The data side of a demo refresh, on the AWS fake with a real MariaDB and one-off tasks run here:
// the final deploy repoints 4-demo at the databases and moodledata the destroyed 4-demo-prep used —
// allowed exactly then, refused while prep is live — the records end up unambiguous (the old data
// retired on 4-demo, prep's data "taken over by 4-demo"), and purge-retired drops only retired data
// older than N days, never data a live site uses.
import { expectAllowedAs } from '../iam/replay.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  ConfigurationError,
  createAwsClients,
  destroyAwsClients,
  memoryLogger,
  oneOffTaskRunner,
  purgeRetired,
  type PurgeRetiredResult,
} from '@moodle-preview/core';
import { adminConnection, useMariaDb, type MariaDbServer } from '../servers/mariadb.js';
import { EXAMPLE_SETTINGS, createWorld, minimalSettings, type World } from '../deploy/world.js';
import { destroy } from '../destroy/world.js';
import { TEST_TASK_LOGS } from '../harness/task-logs.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const PREP = minimalSettings(
  '4-demo-prep',
  'preview_db_name: moodle_45_demo\nmim_db_name: mim_45_demo\nmoodledata_folder: 4-demo-2027-01\n',
);
const REPOINTED = EXAMPLE_SETTINGS.replace(
  'preview_db_name: moodle_42_demo',
  'preview_db_name: moodle_45_demo',
)
  .replace('mim_db_name: mim_42_demo', 'mim_db_name: mim_45_demo')
  .replace('moodledata_folder: 4-demo-2026-11', 'moodledata_folder: 4-demo-2027-01');

const entry = (w: World, link: string) => {
  const v = w.fake.ssm.value(`/moodle-preview/sites/${link}`);
  return v
    ? (JSON.parse(v) as { retired: { kind: string; name: string; reason: string }[]; destroyedAt?: string })
    : undefined;
};
const retired = (w: World, link: string) =>
  entry(w, link)?.retired.map((r) => `${r.kind} ${r.name}: ${r.reason}`);

async function schemas(db: MariaDbServer): Promise<string[]> {
  const conn = await adminConnection(db);
  const [rows] = await conn.query(
    "SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'moodle\\_4%' OR SCHEMA_NAME LIKE 'mim\\_4%' ORDER BY 1",
  );
  await conn.end();
  return (rows as { s: string }[]).map((r) => r.s);
}

async function users(db: MariaDbServer): Promise<string[]> {
  const conn = await adminConnection(db);
  const [rows] = await conn.query("SELECT User AS u FROM mysql.user WHERE User LIKE '%demo%' ORDER BY 1");
  await conn.end();
  return (rows as { u: string }[]).map((r) => r.u);
}

async function purge(w: World, days: number, at: Date, dryRun = false): Promise<PurgeRetiredResult> {
  const platform = (await import('@moodle-preview/core')).checkPlatformText(
    'platform.yml',
    w.platformText,
  ).value!;
  const clients = createAwsClients({
    region: platform.region,
    retryStrategy: new ConfiguredRetryStrategy(4, () => 2),
  });
  try {
    return await purgeRetired({
      clients,
      platform,
      olderThanDays: days,
      dryRun,
      dbAccess: 'task',
      tasks: oneOffTaskRunner(clients, { waiter: { minDelay: 0.001, maxDelay: 0.004 }, ...TEST_TASK_LOGS }),
      log: memoryLogger(),
      actor: 'test',
      now: () => at,
    });
  } finally {
    destroyAwsClients(clients);
  }
}

const summary = (r: PurgeRetiredResult) =>
  r.items.map(
    (i) => `${i.site} ${i.record.kind} ${i.record.name}: ${i.decision}${i.outcome ? ` → ${i.outcome}` : ''}`,
  );

describe('the refresh repoint', () => {
  it('is refused while the prep site is live, allowed once it is destroyed, and labels the records', async () => {
    world = await createWorld(mariadb());
    const w = world;
    await w.deploy();
    await w.deploy(PREP);
    w.fake.server.resetCalls();
    const refused = await w.deploy(REPOINTED).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigurationError);
    expect((refused as Error).message).toMatch(
      /4-demo would use data of another live site: database moodle_45_demo \(used by site 4-demo-prep\), database mim_45_demo \(used by site 4-demo-prep\), moodledata 4-demo-2027-01 \(used by site 4-demo-prep\)/,
    );
    expect(w.fake.server.count({ mutating: true })).toBe(0);

    await destroy(w, '4-demo-prep');
    const repointed = await w.deploy(REPOINTED);
    expect(repointed.changed).toBe(true);
    expect(repointed.log).toContain("recording 4-demo-prep's data taken over by 4-demo as retired there");
    expect(retired(w, '4-demo')).toEqual([
      'database moodle_42_demo: replaced on 4-demo',
      'database mim_42_demo: replaced on 4-demo',
      'moodledata 4-demo-2026-11: replaced on 4-demo',
    ]);
    expect(retired(w, '4-demo-prep')).toEqual([
      'database moodle_45_demo: taken over by 4-demo',
      'database mim_45_demo: taken over by 4-demo',
      'db-user mdl_4_demo_prep: site destroyed',
      'db-secret moodle-preview/sites/4-demo-prep/db: site destroyed',
      'moodledata 4-demo-2027-01: taken over by 4-demo',
    ]);
    // Converged: the same deploy again changes nothing.
    expect((await w.deploy(REPOINTED)).changed).toBe(false);
  }, 120_000);
});

describe('purge-retired', () => {
  it('drops only retired data older than N days, never what a live site uses', async () => {
    world = await createWorld(mariadb());
    const w = world;
    await w.deploy();
    await w.deploy(PREP);
    await destroy(w, '4-demo-prep');
    await w.deploy(REPOINTED);
    const today = new Date();
    const db = mariadb();
    const before = await schemas(db);
    expect(before).toEqual(['mim_42_demo', 'mim_45_demo', 'moodle_42_demo', 'moodle_45_demo']);
    expect(existsSync(path.join(w.efsRoot, '4-demo-2026-11'))).toBe(true);

    // Too recent: nothing happens.
    w.fake.server.resetCalls();
    const early = await purge(w, 3, today);
    expect(early.purged).toBe(0);
    expect(w.fake.server.count({ mutating: true })).toBe(0);

    const later = new Date(today.getTime() + 4 * 86_400_000);
    const dry = await purge(w, 3, later, true);
    expect(w.fake.server.count({ mutating: true })).toBe(0);
    expect(summary(dry)).toEqual([
      '4-demo database moodle_42_demo: purge',
      '4-demo database mim_42_demo: purge',
      '4-demo moodledata 4-demo-2026-11: purge',
      '4-demo-prep database moodle_45_demo: handed over → skipped',
      '4-demo-prep database mim_45_demo: handed over → skipped',
      '4-demo-prep db-user mdl_4_demo_prep: purge',
      '4-demo-prep db-secret moodle-preview/sites/4-demo-prep/db: purge',
      '4-demo-prep moodledata 4-demo-2027-01: handed over → skipped',
    ]);

    w.fake.server.resetCalls();
    const done = await purge(w, 3, later);
    expect(done.failed).toBe(0);
    // Every call of the purge is allowed by purge-retired's generated policy (IAM simulator replay).
    const allowed = await expectAllowedAs(w.fake.server.calls, 'purge-retired', {
      platformText: w.platformText,
    });
    expect(allowed.actions).toEqual(
      expect.arrayContaining([
        'ecs:RunTask',
        'secretsmanager:DeleteSecret',
        'ssm:PutParameter',
        'iam:PassRole',
      ]),
    );
    expect(summary(done).filter((s) => s.includes('→ purged'))).toEqual([
      '4-demo database moodle_42_demo: purge → purged',
      '4-demo database mim_42_demo: purge → purged',
      '4-demo moodledata 4-demo-2026-11: purge → purged',
      '4-demo-prep db-user mdl_4_demo_prep: purge → purged',
      '4-demo-prep db-secret moodle-preview/sites/4-demo-prep/db: purge → purged',
    ]);
    // The live site's databases and folder stay; the old ones and prep's user are gone.
    expect(await schemas(db)).toEqual(['mim_45_demo', 'moodle_45_demo']);
    expect(await users(db)).toEqual(['moodle_demo']);
    expect(existsSync(path.join(w.efsRoot, '4-demo-2026-11'))).toBe(false);
    expect(existsSync(path.join(w.efsRoot, '4-demo-2027-01'))).toBe(true);
    // The records are gone with the data; prep's entry, with nothing left to purge, is deleted.
    expect(retired(w, '4-demo')).toEqual([]);
    expect(entry(w, '4-demo-prep')).toBeUndefined();
    expect(done.deletedEntries).toEqual(['4-demo-prep']);
    // The purge left no task definition behind for the destroyed site.
    expect(w.fake.inventory()['ecs:task-definition']?.filter((t) => t.includes('4-demo-prep')) ?? []).toEqual(
      [],
    );
    // A second run finds nothing.
    const again = await purge(w, 3, later);
    expect(again.items).toEqual([]);
    // The live site still deploys as before.
    expect((await w.deploy(REPOINTED)).changed).toBe(false);
  }, 120_000);

  it('leaves retired data a live site uses alone, whatever its record says', async () => {
    world = await createWorld(mariadb());
    const w = world;
    await w.deploy(minimalSettings('site-a'));
    await w.deploy(minimalSettings('site-b'));
    // Someone recorded site-b's current database as retired on site-a by hand.
    const a = JSON.parse(w.fake.ssm.value('/moodle-preview/sites/site-a')!);
    a.retired.push({ kind: 'database', name: 'mdl_site_b', since: '2020-01-01', reason: 'hand-edited' });
    const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
    const ssm = new SSMClient({ region: 'eu-west-2' });
    await ssm.send(
      new PutParameterCommand({
        Name: '/moodle-preview/sites/site-a',
        Value: JSON.stringify(a),
        Type: 'String',
        Overwrite: true,
      }),
    );
    ssm.destroy();
    w.fake.server.resetCalls();
    const r = await purge(w, 3, new Date());
    expect(summary(r)).toEqual(['site-a database mdl_site_b: in use → skipped']);
    expect(r.items[0]!.note).toBe('live site site-b uses it');
    expect(w.fake.server.count({ mutating: true })).toBe(0);
    expect(await schemasLike(mariadb(), 'mdl_site_b')).toEqual(['mdl_site_b']);
  }, 120_000);
});

async function schemasLike(db: MariaDbServer, name: string): Promise<string[]> {
  const conn = await adminConnection(db);
  const [rows] = await conn.query(
    'SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
    [name],
  );
  await conn.end();
  return (rows as { s: string }[]).map((x) => x.s);
}
