// destroy-instance's engine against the stateful AWS fake (SDK retry and waiters running) and a real
// MariaDB: exactly the site's tagged resources go, data is kept unless purged with both inputs,
// interrupted runs are finished by the next, and refusals change nothing.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from '@jest/globals';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { ConfigurationError } from '@moodle-preview/core';
import { adminConnection, useMariaDb, type MariaDbServer } from '../servers/mariadb.js';
import { createWorld, LISTENER_ARN, minimalSettings, type World } from '../deploy/world.js';
import { destroy, remainsOf } from './world.js';

const mariadb = useMariaDb();
let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const outcomes = (r: { rows: { resource: string; name: string; outcome?: string }[] }) =>
  r.rows.map((row) => `${row.resource} ${row.name}: ${row.outcome}`);

async function schemas(db: MariaDbServer, names: string[]): Promise<string[]> {
  const conn = await adminConnection(db);
  try {
    const [rows] = await conn.query(
      'SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?) ORDER BY 1',
      [names],
    );
    return (rows as { n: string }[]).map((r) => r.n);
  } finally {
    await conn.end();
  }
}

async function users(db: MariaDbServer, names: string[]): Promise<string[]> {
  const conn = await adminConnection(db);
  try {
    const [rows] = await conn.query('SELECT User AS u FROM mysql.user WHERE User IN (?) ORDER BY 1', [names]);
    return (rows as { u: string }[]).map((r) => r.u);
  } finally {
    await conn.end();
  }
}

/**
 * Resources as Terraform left them, with no tags: a revision of the site's family, and a target group
 * of the site's name (or, when the site has one already, of a name that starts like it) with a host rule.
 */
async function untaggedLookalikes(w: World, link: string, groupName = `mdl-${link}`): Promise<void> {
  const ecs = new ECSClient({ region: 'eu-west-2' });
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `mdl_ecs_task_def-${link}`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      containerDefinitions: [{ name: link, image: 'terraform/moodle:8.0', essential: true }],
    }),
  );
  ecs.destroy();
  const tg = w.fake.elbv2.handle(
    'CreateTargetGroup',
    { Name: groupName, Protocol: 'HTTP', Port: '80', VpcId: 'vpc-00738557910dc1bee', TargetType: 'ip' },
    w.fake.server.ctx,
  ) as { TargetGroups: { TargetGroupArn: string }[] };
  if (groupName !== `mdl-${link}`) return;
  w.fake.elbv2.handle(
    'CreateRule',
    {
      ListenerArn: LISTENER_ARN,
      Priority: '40000',
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: [`${link}.preview-moodle.example.ac.uk`] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: tg.TargetGroups[0]!.TargetGroupArn }],
    },
    w.fake.server.ctx,
  );
}

describe('destroy-instance engine', () => {
  it("removes exactly the site's tagged resources, keeps its data, and a second run changes nothing", async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-a'));
    await world.deploy(minimalSettings('site-b'));
    await untaggedLookalikes(world, 'site-a', 'mdl-site-a-old');
    await untaggedLookalikes(world, 'site-c');
    const neighbour = remainsOf(world, 'site-b');
    const lookalikes = remainsOf(world, 'site-c');
    world.fake.server.resetCalls();

    const result = await destroy(world, 'site-a');
    expect(result.changed).toBe(true);
    // What is left of site-a: its kept data (secret, log group), its marked registry entry, and
    // Terraform's untagged revision; nothing else.
    expect(remainsOf(world, 'site-a')).toEqual({
      'ecs:task-definition': ['mdl_ecs_task_def-site-a:2'],
      'logs:log-group': ['/moodle-preview/sites/site-a'],
      'secretsmanager:secret': ['moodle-preview/sites/site-a/db'],
      'ssm:parameter': ['/moodle-preview/sites/site-a'],
    });
    expect(remainsOf(world, 'site-b')).toEqual(neighbour);
    expect(remainsOf(world, 'site-c')).toEqual(lookalikes);
    expect(world.fake.inventory()['elbv2:target-group']).toEqual([
      'mdl-site-a-old',
      'mdl-site-b',
      'mdl-site-c',
    ]);
    expect(world.fake.ecs.service('moodle_cluster', 'mdl-site-a')?.status).toBe('INACTIVE');
    expect(outcomes(result)).toEqual([
      // First of all, nothing switches the rule while the site goes.
      'schedule moodle-preview/mdl-site-a-wake: removed',
      'schedule moodle-preview/mdl-site-a-sleep: removed',
      'scaling policy mdl-site-a-cpu: removed',
      'scaling target service/moodle_cluster/mdl-site-a: removed',
      expect.stringMatching(
        /^listener rule site-a\.preview-moodle\.example\.ac\.uk \(priority \d+\): removed$/,
      ),
      'service mdl-site-a: removed',
      'target group mdl-site-a: removed',
      'database mdl_site_a: kept',
      "DB user mdl_site_a@'%': kept",
      'moodledata /moodle_data_root/site-a: kept',
      'cron log /moodle_data_root/cron_logs/cron_site-a.log: kept',
      'task definition mdl_ecs_task_def-site-a:2: not ours',
      'task definition mdl_ecs_task_def-site-a:1: removed',
      'task definition mdl_sql_task-site-a:1: removed',
      'DB secret moodle-preview/sites/site-a/db: kept',
      'log group /moodle-preview/sites/site-a: kept',
      'cron entry /moodle-preview/sites/site-a: removed',
      'registry entry /moodle-preview/sites/site-a: kept',
    ]);
    expect(result.removed).toBe(10);
    expect(result.kept.map((k) => `${k.kind} ${k.name}`)).toEqual([
      'database mdl_site_a',
      "DB user mdl_site_a@'%'",
      'moodledata /moodle_data_root/site-a',
      'cron log /moodle_data_root/cron_logs/cron_site-a.log',
      'DB secret moodle-preview/sites/site-a/db',
      'log group /moodle-preview/sites/site-a',
    ]);

    // The entry stays, marked destroyed, cron gone, the data recorded as retired.
    const entry = JSON.parse(world.fake.ssm.value('/moodle-preview/sites/site-a')!);
    expect(entry.destroyedAt).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(entry.cron).toBeUndefined();
    expect(entry.retired).toEqual(
      [
        ['database', 'mdl_site_a'],
        ['db-user', 'mdl_site_a'],
        ['db-secret', 'moodle-preview/sites/site-a/db'],
        ['moodledata', 'site-a'],
      ].map(([kind, name]) => ({ kind, name, since: entry.destroyedAt, reason: 'site destroyed' })),
    );
    // The data itself is untouched.
    expect(await schemas(mariadb(), ['mdl_site_a', 'mdl_site_b'])).toEqual(['mdl_site_a', 'mdl_site_b']);
    expect(await users(mariadb(), ['mdl_site_a'])).toEqual(['mdl_site_a']);
    expect(existsSync(`${world.efsRoot}/site-a`)).toBe(true);

    world.fake.server.resetCalls();
    const again = await destroy(world, 'site-a');
    expect(again.changed).toBe(false);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(again.rows.filter((r) => r.outcome === 'removed')).toEqual([]);

    // A site the suite never made: everything of its name is someone else's, and stays.
    const foreign = await destroy(world, 'site-c');
    expect(foreign.changed).toBe(false);
    expect(outcomes(foreign).filter((o) => o.endsWith('not ours'))).toEqual([
      expect.stringMatching(
        /^listener rule site-c\.preview-moodle\.example\.ac\.uk \(priority 40000\): not ours$/,
      ),
      'target group mdl-site-c: not ours',
      'task definition mdl_ecs_task_def-site-c:1: not ours',
    ]);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(remainsOf(world, 'site-c')).toEqual(lookalikes);
  });
});

/** What a destroy without purge leaves of a site: its kept data and its registry entry. */
const KEPT_REMAINS = (link: string) => ({
  'logs:log-group': [`/moodle-preview/sites/${link}`],
  'secretsmanager:secret': [`moodle-preview/sites/${link}/db`],
  'ssm:parameter': [`/moodle-preview/sites/${link}`],
});

describe('interrupted destroys', () => {
  it.each([
    ['keeping the data', false, KEPT_REMAINS('site-i')],
    ['purging the data', true, {}],
  ])(
    '%s: are finished by the next run, after any single mutating call',
    async (_name, purge, remains) => {
      const call = purge ? { purge: true, confirm: 'site-i' } : {};
      world = await createWorld(mariadb());
      await world.deploy(minimalSettings('site-i'));
      world.fake.server.resetCalls();
      await destroy(world, 'site-i', call);
      const total = world.fake.server.count({ mutating: true });
      await world.close();
      expect(total).toBeGreaterThan(purge ? 12 : 8);
      for (let k = 1; k < total; k++) {
        world = await createWorld(mariadb());
        await world.deploy(minimalSettings('site-i'));
        world.fake.server.interruptAfterMutations(k);
        await expect(destroy(world, 'site-i', call)).rejects.toThrow(/FakeInterrupted|interrupted/);
        world.fake.server.interruptAfterMutations(undefined);
        const rerun = await destroy(world, 'site-i', call);
        expect([k, rerun.changed]).toEqual([k, true]);
        expect([k, remainsOf(world, 'site-i')]).toEqual([k, remains]);
        if (purge) {
          expect(await schemas(mariadb(), ['mdl_site_i'])).toEqual([]);
          expect(existsSync(`${world.efsRoot}/site-i`)).toBe(false);
        }
        world.fake.server.resetCalls();
        const settled = await destroy(world, 'site-i', call);
        expect([k, settled.changed]).toEqual([k, false]);
        expect(world.fake.server.count({ mutating: true })).toBe(0);
        await world.close();
        world = undefined;
      }
    },
    300_000,
  );
});

describe('purging data', () => {
  it('is refused without confirm, or with the confirm of another site, before any call', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-p'));
    world.fake.server.resetCalls();
    const noConfirm = await destroy(world, 'site-p', { purge: true }).catch((e: unknown) => e);
    expect(noConfirm).toBeInstanceOf(ConfigurationError);
    expect((noConfirm as Error).message).toMatch(/purge-data: true removes site-p's .*set confirm: site-p/);
    const otherSite = await destroy(world, 'site-p', { purge: true, confirm: 'site-q' }).catch(
      (e: unknown) => e,
    );
    expect(otherSite).toBeInstanceOf(ConfigurationError);
    expect((otherSite as Error).message).toMatch(
      /confirm is "site-q" but the site being destroyed is site-p/,
    );
    const badLink = await destroy(world, 'Site_P').catch((e: unknown) => e);
    expect(badLink).toBeInstanceOf(ConfigurationError);
    expect((badLink as Error).message).toMatch(/preview-link "Site_P" is not a site name/);
    expect(world.fake.server.count()).toBe(0);
    expect(await schemas(mariadb(), ['mdl_site_p'])).toEqual(['mdl_site_p']);
  });

  it.each(['task', 'direct'] as const)(
    'with both inputs removes the databases, user, secret, moodledata and entry (db-access %s)',
    async (db) => {
      const link = `purge-${db}`;
      const ident = link.replace('-', '_');
      world = await createWorld(mariadb());
      await world.deploy(minimalSettings(link, `mim_db_name: mim_${ident}\n`), { db });
      const { mkdirSync, writeFileSync } = await import('node:fs');
      mkdirSync(`${world.efsRoot}/cron_logs`, { recursive: true });
      writeFileSync(`${world.efsRoot}/cron_logs/cron_${link}.log`, 'cron ran\n');
      writeFileSync(`${world.efsRoot}/${link}/config-cache.txt`, 'data\n');
      expect(await schemas(mariadb(), [`mdl_${ident}`, `mim_${ident}`])).toHaveLength(2);

      const result = await destroy(world, link, { purge: true, confirm: link, db });
      expect(result.changed).toBe(true);
      expect(result.kept).toEqual([]);
      // A direct deploy never made a SQL task definition.
      expect(result.rows.filter((r) => r.outcome !== 'removed').map((r) => r.name)).toEqual(
        db === 'direct' ? [`mdl_sql_task-${link}`] : [],
      );
      expect(await schemas(mariadb(), [`mdl_${ident}`, `mim_${ident}`])).toEqual([]);
      expect(await users(mariadb(), [`mdl_${ident}`])).toEqual([]);
      expect(existsSync(`${world.efsRoot}/${link}`)).toBe(false);
      expect(existsSync(`${world.efsRoot}/cron_logs/cron_${link}.log`)).toBe(false);
      expect(existsSync(`${world.efsRoot}/cron_logs`)).toBe(true);
      expect(world.fake.ssm.value(`/moodle-preview/sites/${link}`)).toBeUndefined();
      expect(remainsOf(world, link)).toEqual({});
      // The secret is scheduled for deletion, restorable for the recovery window, not gone at once.
      const secret = world.fake.secrets.secrets.get(`moodle-preview/sites/${link}/db`);
      expect(secret?.DeletedDate).toBeInstanceOf(Date);
      expect((secret!.DeletedDate!.getTime() - Date.parse('2026-01-01T00:00:00Z')) / 86_400_000).toBeCloseTo(
        7,
        0,
      );

      world.fake.server.resetCalls();
      const again = await destroy(world, link, { purge: true, confirm: link, db });
      expect(again.changed).toBe(false);
      expect(world.fake.server.count({ mutating: true })).toBe(0);
    },
  );

  it('later removes data an earlier destroy kept, with a copy of the deregistered task definition', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-k'));
    await destroy(world, 'site-k');
    expect(existsSync(`${world.efsRoot}/site-k`)).toBe(true);
    expect(remainsOf(world, 'site-k')).toEqual(KEPT_REMAINS('site-k'));

    const purged = await destroy(world, 'site-k', { purge: true, confirm: 'site-k' });
    expect(outcomes(purged).filter((o) => !o.endsWith('already gone'))).toEqual([
      'database mdl_site_k: removed',
      "DB user mdl_site_k@'%': removed",
      'moodledata /moodle_data_root/site-k: removed',
      'task definition mdl_ecs_task_def-site-k: removed',
      'task definition mdl_sql_task-site-k: removed',
      'DB secret moodle-preview/sites/site-k/db: removed',
      'log group /moodle-preview/sites/site-k: removed',
      'registry entry /moodle-preview/sites/site-k: removed',
    ]);
    expect(purged.rows.find((r) => r.name === 'mdl_ecs_task_def-site-k')!.note).toBe(
      'and mdl_ecs_task_def-site-k:2, registered by this run for its purge task',
    );
    expect(await schemas(mariadb(), ['mdl_site_k'])).toEqual([]);
    expect(existsSync(`${world.efsRoot}/site-k`)).toBe(false);
    expect(remainsOf(world, 'site-k')).toEqual({});
  });

  it('refuses names in a tampered registry entry that must never be removed, before any change', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-t'));
    const { SSMClient, PutParameterCommand } = await import('@aws-sdk/client-ssm');
    const ssm = new SSMClient({ region: 'eu-west-2' });
    const tamper = async (change: Record<string, unknown>) => {
      const entry = JSON.parse(world!.fake.ssm.value('/moodle-preview/sites/site-t')!);
      await ssm.send(
        new PutParameterCommand({
          Name: '/moodle-preview/sites/site-t',
          Value: JSON.stringify({ ...entry, ...change }),
          Type: 'String',
          Overwrite: true,
        }),
      );
    };
    try {
      await tamper({ databases: { moodle: 'mysql' } });
      world.fake.server.resetCalls();
      const db = await destroy(world, 'site-t', { purge: true, confirm: 'site-t' }).catch((e: unknown) => e);
      expect(db).toBeInstanceOf(ConfigurationError);
      expect((db as Error).message).toMatch(
        /refusing to purge the site's databases:\n- database mysql belongs to the server itself/,
      );
      expect(world.fake.server.count({ mutating: true })).toBe(0);

      await tamper({ databases: { moodle: 'mdl_site_t' }, moodledataFolder: '..' });
      world.fake.server.resetCalls();
      const folder = await destroy(world, 'site-t', { purge: true, confirm: 'site-t' }).catch(
        (e: unknown) => e,
      );
      expect(folder).toBeInstanceOf(ConfigurationError);
      expect((folder as Error).message).toMatch(
        /refusing to remove moodledata:\n- moodledata folder "\.\." must be one folder name/,
      );
      expect(world.fake.server.count({ mutating: true })).toBe(0);
      expect(existsSync(world.efsRoot)).toBe(true);
    } finally {
      ssm.destroy();
    }
  });

  it('is refused, before any change, when a live site uses the data (taken over by a refresh)', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-a'));
    await world.deploy(minimalSettings('site-b', 'preview_db_name: mdl_site_a\n'), { takeover: 'site-a' });
    world.fake.server.resetCalls();
    const error = await destroy(world, 'site-a', { purge: true, confirm: 'site-a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /refusing to purge site-a's data: live sites use some of it: database mdl_site_a \(used by site site-b\)\. Nothing was changed\. Destroy site-a without purge-data/,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(await schemas(mariadb(), ['mdl_site_a'])).toEqual(['mdl_site_a']);

    // Without purge the site goes and its data stays for site-b, recorded once as retired.
    await destroy(world, 'site-a');
    const entry = JSON.parse(world.fake.ssm.value('/moodle-preview/sites/site-a')!);
    expect(
      entry.retired.map(
        (r: { kind: string; name: string; reason: string }) => `${r.kind} ${r.name}: ${r.reason}`,
      ),
    ).toEqual([
      'database mdl_site_a: taken over by site-b',
      'db-user mdl_site_a: site destroyed',
      'db-secret moodle-preview/sites/site-a/db: site destroyed',
      'moodledata site-a: site destroyed',
    ]);
    expect(await schemas(mariadb(), ['mdl_site_a'])).toEqual(['mdl_site_a']);
    // site-b, still using it, deploys as before.
    expect((await world.deploy(minimalSettings('site-b', 'preview_db_name: mdl_site_a\n'))).changed).toBe(
      false,
    );
  });
});

describe('waiting', () => {
  it('without wait leaves the service draining, and a later run with wait sees it gone', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-w'));
    // Its tasks take 10 s to stop, and the fake's clock stands still for the two quick runs.
    world.fake.ecs.stopMs = 10_000;
    world.fake.server.msPerRequest = 0;
    const quick = await destroy(world, 'site-w', { wait: false });
    expect(quick.changed).toBe(true);
    expect(world.fake.ecs.service('moodle_cluster', 'mdl-site-w')?.status).toBe('DRAINING');
    expect(remainsOf(world, 'site-w')).toEqual({
      ...KEPT_REMAINS('site-w'),
      'ecs:service': ['moodle_cluster/mdl-site-w'],
    });

    world.fake.server.resetCalls();
    const again = await destroy(world, 'site-w', { wait: false });
    expect(again.changed).toBe(false);
    expect(again.rows.find((r) => r.resource === 'service')).toMatchObject({
      outcome: 'already gone',
      note: 'deleted, its tasks still stopping',
    });
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    world.fake.server.msPerRequest = 1000;
    const waited = await destroy(world, 'site-w');
    expect(waited.rows.find((r) => r.resource === 'service')!.outcome).toBe('removed');
    expect(world.fake.ecs.service('moodle_cluster', 'mdl-site-w')?.status).toBe('INACTIVE');
    expect(remainsOf(world, 'site-w')).toEqual(KEPT_REMAINS('site-w'));
  });
});

describe('dry run', () => {
  it('lists what would go and calls nothing mutating, with or without purge', async () => {
    world = await createWorld(mariadb());
    await world.deploy(minimalSettings('site-d'));
    const before = world.fake.inventory();
    world.fake.server.resetCalls();
    const dry = await destroy(world, 'site-d', { dryRun: true });
    expect(dry.changed).toBe(true);
    expect(dry.dryRun).toBe(true);
    expect(dry.removed).toBe(10);
    expect(dry.kept.map((k) => k.kind)).toEqual([
      'database',
      'DB user',
      'moodledata',
      'cron log',
      'DB secret',
      'log group',
    ]);
    const purgeDry = await destroy(world, 'site-d', {
      dryRun: true,
      purge: true,
      confirm: 'site-d',
      db: 'direct',
    });
    expect(purgeDry.kept).toEqual([]);
    expect(purgeDry.removed).toBe(17);
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(world.fake.server.count()).toBeGreaterThan(10);
    expect(world.fake.inventory()).toEqual(before);
    expect(await schemas(mariadb(), ['mdl_site_d'])).toEqual(['mdl_site_d']);
    const { destroyRows, destroyVerdict } = await import('@moodle-preview/core');
    expect(destroyRows(dry).find((r) => r.resource === 'service')!.result).toBe('would remove');
    expect(destroyVerdict(dry)).toMatch(
      /^dry run: 10 resource\(s\) of site-d would be removed; data kept: database mdl_site_d/,
    );
  });

  it('refuses without AWS credentials, before any call', async () => {
    world = await createWorld(mariadb());
    const saved = { ...process.env };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
    process.env.AWS_CONFIG_FILE = '/nonexistent';
    try {
      const error = await destroy(world, 'site-x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(/no AWS credentials/);
      expect(world.fake.server.count()).toBe(0);
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
