// purge-retired's actions on the AWS fake, with a real MariaDB and one-off tasks run here, from
// registry entries written as destroy and refresh leave them (no deploys, so each case is quick):
// what is purged, skipped or failed, which secrets and folders are touched, which registry entries
// are kept, rewritten or deleted, and that bad input changes nothing.
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { DeleteParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CloudWatchLogsClient, CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  checkPlatformText,
  ConfigurationError,
  createAwsClients,
  destroyAwsClients,
  memoryLogger,
  oneOffTaskRunner,
  purgeRetired,
  type Platform,
  type PurgeRetiredOptions,
  type PurgeRetiredResult,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { adminConnection, useMariaDb } from '../servers/mariadb.js';
import { createWorld, type World } from '../deploy/world.js';
import { registryEntry, secretRecord } from './registry-records.js';
import { AwsServiceError } from '@moodle-preview/aws-fake';
import { TEST_TASK_LOGS } from '../harness/task-logs.js';

const mariadb = useMariaDb();
let w: World;
let platform: Platform;
const REGION = 'eu-west-2';
const TODAY = new Date('2027-03-10T12:00:00Z');
const OLD = '2027-01-01';

beforeAll(async () => {
  w = await createWorld(mariadb());
  platform = checkPlatformText('platform.yml', w.platformText).value!;
}, 60_000);
afterAll(async () => w?.close());

const ssm = () => new SSMClient({ region: REGION });
let sites: string[] = [];
beforeEach(async () => {
  // Each case starts with an empty registry.
  const client = ssm();
  for (const link of sites)
    await client
      .send(new DeleteParameterCommand({ Name: `/moodle-preview/sites/${link}` }))
      .catch(() => undefined);
  client.destroy();
  sites = [];
  w.fake.server.resetCalls();
});

/** An entry on the world's platform (its cluster and DB host). */
const entry = (link: string, over: Partial<SiteRegistryEntry> = {}): SiteRegistryEntry =>
  registryEntry(link, {
    cluster: platform.cluster,
    databases: { moodle: `moodle_${link.replace(/-/g, '_')}` },
    dbHost: platform.db.writer_host,
    moodledataFolder: `${link}-now`,
    ...over,
  });

async function putEntries(...entries: SiteRegistryEntry[]): Promise<void> {
  const client = ssm();
  for (const e of entries) {
    sites.push(e.previewLink);
    await client.send(
      new PutParameterCommand({
        Name: `/moodle-preview/sites/${e.previewLink}`,
        Value: JSON.stringify(e),
        Type: 'String',
        Overwrite: true,
      }),
    );
  }
  client.destroy();
  w.fake.server.resetCalls();
}

const stored = (link: string) => {
  const v = w.fake.ssm.value(`/moodle-preview/sites/${link}`);
  return v ? (JSON.parse(v) as SiteRegistryEntry) : undefined;
};

async function secret(name: string, tags: Record<string, string>): Promise<void> {
  const client = new SecretsManagerClient({ region: REGION });
  await client.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: '{"username":"u","password":"p"}',
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    }),
  );
  client.destroy();
}
const ours = (link: string) => ({
  'moodle-preview:managed-by': 'moodle-preview-actions',
  'moodle-preview:site': link,
});

/** The site's task definition; `sidecar` puts another container first, `logs` where the site's logs go. */
async function siteFamily(
  link: string,
  options: { sidecar?: boolean; logGroup?: string; streamPrefix?: string } = {},
): Promise<void> {
  const ecs = new ECSClient({ region: REGION });
  const awslogs = (prefix: string) => ({
    logDriver: 'awslogs' as const,
    options: {
      'awslogs-group': options.logGroup ?? `/moodle-preview/sites/${link}`,
      'awslogs-region': REGION,
      'awslogs-stream-prefix': prefix,
    },
  });
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: `mdl_ecs_task_def-${link}`,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        ...(options.sidecar
          ? [{ name: 'metrics', image: 'exporter:1', essential: false, logConfiguration: awslogs('sidecar') }]
          : []),
        {
          name: link,
          image: 'moodle:latest',
          essential: true,
          logConfiguration: awslogs(options.streamPrefix ?? 'moodle'),
        },
      ],
      tags: Object.entries(ours(link)).map(([key, value]) => ({ key, value })),
    }),
  );
  ecs.destroy();
}

/** The site's log group, which destroy keeps (the one-off tasks log to it). */
async function logGroup(link: string, name = `/moodle-preview/sites/${link}`): Promise<void> {
  const logs = new CloudWatchLogsClient({ region: REGION });
  await logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: ours(link) }));
  logs.destroy();
}

async function sql(statement: string): Promise<unknown[]> {
  const conn = await adminConnection(mariadb());
  try {
    return (await conn.query(statement))[0] as unknown[];
  } finally {
    await conn.end();
  }
}
const schemas = async (like: string) =>
  (
    (await sql(
      `SELECT SCHEMA_NAME AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '${like}' ORDER BY 1`,
    )) as { s: string }[]
  ).map((r) => r.s);
const dbUsers = async (like: string) =>
  (
    (await sql(`SELECT User AS u FROM mysql.user WHERE User LIKE '${like}' ORDER BY 1`)) as { u: string }[]
  ).map((r) => r.u);

async function purge(over: Partial<PurgeRetiredOptions> = {}): Promise<PurgeRetiredResult> {
  const clients = createAwsClients({
    region: REGION,
    retryStrategy: new ConfiguredRetryStrategy(2, () => 2),
  });
  try {
    return await purgeRetired({
      clients,
      platform,
      olderThanDays: 30,
      dryRun: false,
      dbAccess: 'task',
      tasks: oneOffTaskRunner(clients, { waiter: { minDelay: 0.001, maxDelay: 0.004 }, ...TEST_TASK_LOGS }),
      log: memoryLogger(),
      actor: 'ops',
      now: () => TODAY,
      ...over,
    });
  } finally {
    destroyAwsClients(clients);
  }
}

const outcomes = (r: PurgeRetiredResult) =>
  r.items.map((i) => `${i.site} ${i.record.kind} ${i.record.name}: ${i.decision} → ${i.outcome}`);
const mutations = () => w.fake.server.calls.filter((c) => c.mutating).map((c) => c.action);

describe('purge-retired, bad input', () => {
  it.each([-1, 1.5, Number.NaN])('refuses older-than-days %p before any call', async (days) => {
    await putEntries(entry('p-bad', { retired: [{ kind: 'database', name: 'x', since: OLD, reason: 'r' }] }));
    await expect(purge({ olderThanDays: days })).rejects.toThrow(ConfigurationError);
    await expect(purge({ olderThanDays: days })).rejects.toThrow(
      /older-than-days must be a whole number of days/,
    );
    expect(w.fake.server.calls).toEqual([]);
  });

  it('accepts 0 days: everything retired may go', async () => {
    await putEntries(
      entry('p-zero', {
        retired: [{ kind: 'moodledata', name: 'p-zero-x', since: '2027-03-10', reason: 'r' }],
      }),
    );
    const r = await purge({ olderThanDays: 0, dryRun: true });
    expect(outcomes(r)).toEqual(['p-zero moodledata p-zero-x: purge → undefined']);
  });
});

describe('purge-retired, secrets', () => {
  it('deletes the site’s own secret with the recovery window; leaves one not tagged as the site’s', async () => {
    await secret('moodle-preview/sites/p-sec/db', ours('p-sec'));
    await secret('moodle-preview/sites/p-sec/other', {
      'moodle-preview:managed-by': 'moodle-preview-actions',
      'moodle-preview:site': 'elsewhere',
    });
    await secret('moodle-preview/sites/p-sec/untagged', {});
    await putEntries(
      entry('p-sec', {
        destroyedAt: OLD,
        retired: [
          { kind: 'db-secret', name: 'moodle-preview/sites/p-sec/db', since: OLD, reason: 'destroyed' },
          { kind: 'db-secret', name: 'moodle-preview/sites/p-sec/other', since: OLD, reason: 'destroyed' },
          { kind: 'db-secret', name: 'moodle-preview/sites/p-sec/untagged', since: OLD, reason: 'destroyed' },
          { kind: 'db-secret', name: 'moodle-preview/sites/p-sec/never', since: OLD, reason: 'destroyed' },
        ],
      }),
    );
    const r = await purge();
    expect(outcomes(r)).toEqual([
      'p-sec db-secret moodle-preview/sites/p-sec/db: purge → purged',
      'p-sec db-secret moodle-preview/sites/p-sec/other: purge → skipped',
      'p-sec db-secret moodle-preview/sites/p-sec/untagged: purge → skipped',
      'p-sec db-secret moodle-preview/sites/p-sec/never: purge → already gone',
    ]);
    expect(r.items[1]!.note).toBe('not tagged as this site’s: left alone');
    const deletes = w.fake.server.calls.filter((c) => c.action === 'DeleteSecret');
    expect(deletes).toHaveLength(1);
    const gone = w.fake.secrets.secrets.get('moodle-preview/sites/p-sec/db')!;
    expect(gone.DeletedDate!.getTime() - w.fake.server.now().getTime()).toBeGreaterThan(6 * 86_400_000);
    expect(w.fake.secrets.secrets.get('moodle-preview/sites/p-sec/other')!.DeletedDate).toBeUndefined();
    expect(w.fake.secrets.secrets.get('moodle-preview/sites/p-sec/untagged')!.DeletedDate).toBeUndefined();
    expect({ purged: r.purged, failed: r.failed }).toEqual({ purged: 2, failed: 0 });
    // The skipped records stay: the destroyed site's entry is rewritten, not deleted.
    expect(r.deletedEntries).toEqual([]);
    expect(stored('p-sec')!.retired.map((x) => x.name)).toEqual([
      'moodle-preview/sites/p-sec/other',
      'moodle-preview/sites/p-sec/untagged',
    ]);
    expect(stored('p-sec')!.updatedBy).toBe('ops');
  });

  it('a secret already scheduled for deletion is already gone, and is not deleted again', async () => {
    await secret('moodle-preview/sites/p-sched/db', ours('p-sched'));
    const client = new SecretsManagerClient({ region: REGION });
    await client.send(
      new DeleteSecretCommand({ SecretId: 'moodle-preview/sites/p-sched/db', RecoveryWindowInDays: 7 }),
    );
    client.destroy();
    await putEntries(
      entry('p-sched', {
        destroyedAt: OLD,
        retired: [
          { kind: 'db-secret', name: 'moodle-preview/sites/p-sched/db', since: OLD, reason: 'destroyed' },
        ],
      }),
    );
    const r = await purge();
    expect(outcomes(r)).toEqual(['p-sched db-secret moodle-preview/sites/p-sched/db: purge → already gone']);
    expect(mutations()).toEqual(['DeleteParameter']); // nothing left: the entry goes
    expect(r.deletedEntries).toEqual(['p-sched']);
  });
});

describe('purge-retired, registry entries', () => {
  it('deletes a destroyed entry with nothing left; rewrites a live one; never deletes one it does not manage', async () => {
    await secret('moodle-preview/sites/p-d1/db', ours('p-d1'));
    await secret('moodle-preview/sites/p-live/db-old', ours('p-live'));
    await secret('moodle-preview/sites/p-foreign/db', ours('p-foreign'));
    const rec = (name: string) => ({ kind: 'db-secret' as const, name, since: OLD, reason: 'r' });
    await putEntries(
      entry('p-d1', { destroyedAt: OLD, retired: [rec('moodle-preview/sites/p-d1/db')] }),
      entry('p-live', { retired: [rec('moodle-preview/sites/p-live/db-old')] }),
      entry('p-foreign', {
        destroyedAt: OLD,
        managedBy: 'terraform',
        retired: [rec('moodle-preview/sites/p-foreign/db')],
      }),
    );
    const r = await purge();
    expect(r.failed).toBe(0);
    expect(r.deletedEntries).toEqual(['p-d1']);
    expect(stored('p-d1')).toBeUndefined();
    expect(stored('p-live')).toMatchObject({ retired: [], updatedBy: 'ops' });
    expect(stored('p-foreign')).toMatchObject({ retired: [], managedBy: 'terraform' });
  });

  it('a destroyed entry keeps what is still to purge: too recent, or handed over is not "left"', async () => {
    await secret('moodle-preview/sites/p-d2/db', ours('p-d2'));
    await putEntries(
      entry('p-taker'),
      entry('p-d2', {
        destroyedAt: OLD,
        retired: [
          { kind: 'db-secret', name: 'moodle-preview/sites/p-d2/db', since: OLD, reason: 'destroyed' },
          { kind: 'database', name: 'moodle_p_taker', since: OLD, reason: 'taken over by p-taker' },
          { kind: 'moodledata', name: 'p-d2-recent', since: '2027-03-09', reason: 'destroyed' },
        ],
      }),
    );
    const r = await purge();
    expect(outcomes(r)).toEqual([
      'p-d2 db-secret moodle-preview/sites/p-d2/db: purge → purged',
      'p-d2 database moodle_p_taker: handed over → skipped',
      'p-d2 moodledata p-d2-recent: too recent → skipped',
    ]);
    expect(r.deletedEntries).toEqual([]);
    expect(stored('p-d2')!.retired.map((x) => x.name)).toEqual(['moodle_p_taker', 'p-d2-recent']);
  });

  it('only the named sites', async () => {
    await secret('moodle-preview/sites/p-a/db', ours('p-a'));
    await secret('moodle-preview/sites/p-b/db', ours('p-b'));
    const rec = (link: string) => secretRecord(link, OLD, 'r');
    await putEntries(
      entry('p-a', { destroyedAt: OLD, retired: [rec('p-a')] }),
      entry('p-b', { destroyedAt: OLD, retired: [rec('p-b')] }),
    );
    const r = await purge({ sites: ['p-b'] });
    expect(outcomes(r)).toEqual(['p-b db-secret moodle-preview/sites/p-b/db: purge → purged']);
    expect(stored('p-a')!.retired).toHaveLength(1);
    expect(stored('p-a')!.updatedBy).toBeUndefined(); // not even rewritten
    expect(w.fake.secrets.secrets.get('moodle-preview/sites/p-a/db')!.DeletedDate).toBeUndefined();
  });

  it('a dry run decides and changes nothing', async () => {
    await secret('moodle-preview/sites/p-dry/db', ours('p-dry'));
    await putEntries(
      entry('p-dry', {
        destroyedAt: OLD,
        retired: [{ kind: 'db-secret', name: 'moodle-preview/sites/p-dry/db', since: OLD, reason: 'r' }],
      }),
    );
    const r = await purge({ dryRun: true });
    expect(r.items.map((i) => [i.decision, i.outcome])).toEqual([['purge', undefined]]);
    expect(mutations()).toEqual([]);
    expect(r.purged).toBe(0);
  });
});

describe('purge-retired, databases and moodledata', () => {
  it('drops retired databases and users with the SQL task; what is not there is already gone', async () => {
    await logGroup('p-db');
    await sql('CREATE DATABASE IF NOT EXISTS moodle_p_db_old');
    await sql("CREATE USER IF NOT EXISTS 'mdl_p_db_old'@'%' IDENTIFIED BY 'x1234567890abcdefgh'");
    await putEntries(
      entry('p-db', {
        destroyedAt: OLD,
        retired: [
          { kind: 'database', name: 'moodle_p_db_old', since: OLD, reason: 'destroyed' },
          { kind: 'database', name: 'moodle_p_db_never', since: OLD, reason: 'destroyed' },
          { kind: 'db-user', name: 'mdl_p_db_old', since: OLD, reason: 'destroyed' },
        ],
      }),
    );
    const r = await purge();
    expect(outcomes(r)).toEqual([
      'p-db database moodle_p_db_old: purge → purged',
      'p-db database moodle_p_db_never: purge → already gone',
      'p-db db-user mdl_p_db_old: purge → purged',
    ]);
    expect(await schemas('moodle\\_p\\_db%')).toEqual([]);
    expect(await dbUsers('mdl\\_p\\_db%')).toEqual([]);
    // The destroyed site keeps no task definition: the purge's own is deregistered again.
    expect(mutations()).toContain('DeregisterTaskDefinition');
    expect(w.fake.inventory()['ecs:task-definition']?.filter((t) => t.includes('p-db')) ?? []).toEqual([]);
    expect(r.deletedEntries).toEqual(['p-db']);
  });

  it('a failing SQL task fails its records, which stay for the next run', async () => {
    await putEntries(
      entry('p-dbfail', {
        destroyedAt: OLD,
        dbHost: platform.db.writer_host,
        retired: [{ kind: 'database', name: 'moodle_p_dbfail', since: OLD, reason: 'destroyed' }],
      }),
    );
    const runHere = w.fake.ecs.onRunTask;
    w.fake.ecs.onRunTask = async () => ({ exitCode: 1, logLines: ['ERROR 2003: cannot connect'] });
    try {
      const r = await purge();
      expect(outcomes(r)).toEqual(['p-dbfail database moodle_p_dbfail: purge → failed']);
      expect(r.failed).toBe(1);
      expect(r.items[0]!.note).toMatch(/the purging SQL task \S+ failed/);
    } finally {
      w.fake.ecs.onRunTask = runHere;
    }
    expect(stored('p-dbfail')!.retired).toHaveLength(1);
  });

  it('removes retired folders with a task of the site’s container; a missing folder is already gone', async () => {
    // A long link, the site's container after a sidecar, its logs where its task definition says.
    const link = 'p-md-with-a-rather-long-link';
    await siteFamily(link, { sidecar: true, logGroup: '/moodle/p-md-logs', streamPrefix: 'site' });
    await logGroup(link, '/moodle/p-md-logs');
    mkdirSync(path.join(w.efsRoot, 'p-md-old', 'filedir'), { recursive: true });
    mkdirSync(path.join(w.efsRoot, '.p-md-hidden'), { recursive: true });
    mkdirSync(path.join(w.efsRoot, 'p-md-now'), { recursive: true });
    await putEntries(
      entry(link, {
        logGroup: '/moodle-preview/sites/not-this-one',
        retired: [
          { kind: 'moodledata', name: 'p-md-old', since: OLD, reason: 'refreshed' },
          { kind: 'moodledata', name: '.p-md-hidden', since: OLD, reason: 'refreshed' },
          { kind: 'moodledata', name: 'p-md-never', since: OLD, reason: 'refreshed' },
        ],
      }),
    );
    const r = await purge();
    expect(outcomes(r)).toEqual([
      `${link} moodledata p-md-old: purge → purged`,
      `${link} moodledata .p-md-hidden: purge → purged`,
      `${link} moodledata p-md-never: purge → already gone`,
    ]);
    expect(existsSync(path.join(w.efsRoot, 'p-md-old'))).toBe(false);
    expect(existsSync(path.join(w.efsRoot, '.p-md-hidden'))).toBe(false);
    expect(existsSync(path.join(w.efsRoot, 'p-md-now'))).toBe(true);
    const runs = [...w.fake.ecs.tasks.values()].filter((t) => t.startedBy?.startsWith('mdl-purge/'));
    expect(runs.map((t) => t.startedBy)).toEqual(['mdl-purge/p-md-with-a-rather-long-li']);
    expect(runs[0]!.overrides.containerOverrides?.map((o) => o.name)).toEqual([link]);
    expect(stored(link)!.retired).toEqual([]);
  });

  it('without an ACTIVE task definition of the site, folders are skipped with what to do by hand', async () => {
    await putEntries(
      entry('p-nofam', {
        destroyedAt: OLD,
        retired: [{ kind: 'moodledata', name: 'p-nofam-old', since: OLD, reason: 'destroyed' }],
      }),
    );
    const r = await purge();
    expect(outcomes(r)).toEqual(['p-nofam moodledata p-nofam-old: purge → skipped']);
    expect(r.items[0]!.note).toBe(
      'no ACTIVE task definition of p-nofam to run the removal with; remove /moodle_data_root/p-nofam-old by hand',
    );
    expect(mutations()).toEqual([]);
    expect(stored('p-nofam')!.retired).toHaveLength(1);
  });

  it('a removal task that does not finish fails the folders', async () => {
    await siteFamily('p-mdfail');
    await logGroup('p-mdfail');
    await putEntries(
      entry('p-mdfail', { retired: [{ kind: 'moodledata', name: 'p-mdfail-old', since: OLD, reason: 'r' }] }),
    );
    const runHere = w.fake.ecs.onRunTask;
    w.fake.ecs.onRunTask = async () => ({ exitCode: 0, logLines: ['moodledata-removed p-mdfail-old'] });
    try {
      const r = await purge();
      expect(outcomes(r)).toEqual(['p-mdfail moodledata p-mdfail-old: purge → failed']);
      expect(r.items[0]!.note).toMatch(
        /^removing moodledata failed \(task \S+, exit 0, Essential container in task exited; its log showed no end within 200 ms of the stop \(1 line\(s\) read from \/moodle-preview\/sites\/p-mdfail moodle\/p-mdfail\/\w+\); CloudWatch may not have delivered the rest yet\): moodledata-removed p-mdfail-old$/,
      );
    } finally {
      w.fake.ecs.onRunTask = runHere;
    }
    expect(stored('p-mdfail')!.retired).toHaveLength(1);
  });
});

describe('purge-retired, what AWS answers', () => {
  /** Answer the first calls of `action` with `code` (as AWS would), then let calls through. */
  function refuse(action: string, code: string, times = 1): void {
    let left = times;
    w.fake.server.beforeHandle = (_service, a) => {
      if (a === action && left-- > 0) throw new AwsServiceError(code, `${code} (test)`, 400);
    };
  }
  afterEach(() => {
    w.fake.server.beforeHandle = undefined;
  });

  it('a secret that cannot be read fails (it is not "already gone"), and stays recorded', async () => {
    await secret('moodle-preview/sites/p-deny/db', ours('p-deny'));
    await putEntries(
      entry('p-deny', {
        destroyedAt: OLD,
        retired: [{ kind: 'db-secret', name: 'moodle-preview/sites/p-deny/db', since: OLD, reason: 'r' }],
      }),
    );
    refuse('DescribeSecret', 'AccessDeniedException');
    const r = await purge();
    expect(outcomes(r)).toEqual(['p-deny db-secret moodle-preview/sites/p-deny/db: purge → failed']);
    expect(r.items[0]!.note).toMatch(/AccessDeniedException/);
    expect(stored('p-deny')!.retired).toHaveLength(1);
  });

  it('a secret scheduled for deletion between the look and the delete is already gone; another refusal fails', async () => {
    await secret('moodle-preview/sites/p-race/db', ours('p-race'));
    await secret('moodle-preview/sites/p-race2/db', ours('p-race2'));
    const rec = (link: string) => secretRecord(link, OLD, 'r');
    await putEntries(entry('p-race', { destroyedAt: OLD, retired: [rec('p-race')] }));
    refuse('DeleteSecret', 'InvalidRequestException');
    expect(outcomes(await purge())).toEqual([
      'p-race db-secret moodle-preview/sites/p-race/db: purge → already gone',
    ]);
    expect(stored('p-race')).toBeUndefined();

    await putEntries(entry('p-race2', { destroyedAt: OLD, retired: [rec('p-race2')] }));
    refuse('DeleteSecret', 'AccessDeniedException');
    expect(outcomes(await purge())).toEqual([
      'p-race2 db-secret moodle-preview/sites/p-race2/db: purge → failed',
    ]);
    expect(stored('p-race2')!.retired).toHaveLength(1);
  });

  it('a task definition that cannot be read fails the folders (they are not skipped as if there were none)', async () => {
    await siteFamily('p-tdeny');
    await putEntries(
      entry('p-tdeny', { retired: [{ kind: 'moodledata', name: 'p-tdeny-old', since: OLD, reason: 'r' }] }),
    );
    refuse('DescribeTaskDefinition', 'AccessDeniedException');
    const r = await purge();
    expect(outcomes(r)).toEqual(['p-tdeny moodledata p-tdeny-old: purge → failed']);
    expect(r.items[0]!.note).toMatch(/AccessDeniedException/);
  });

  it('a removal task that exits non-zero fails the folders even when it printed its end marker', async () => {
    await siteFamily('p-exit');
    await logGroup('p-exit');
    await putEntries(
      entry('p-exit', { retired: [{ kind: 'moodledata', name: 'p-exit-old', since: OLD, reason: 'r' }] }),
    );
    const runHere = w.fake.ecs.onRunTask;
    w.fake.ecs.onRunTask = async () => ({
      exitCode: 1,
      logLines: ['one', 'two', 'moodledata-removed p-exit-old', 'moodledata-purge-done'],
    });
    try {
      const r = await purge();
      expect(outcomes(r)).toEqual(['p-exit moodledata p-exit-old: purge → failed']);
      expect(r.items[0]!.note).toMatch(
        /^removing moodledata failed \(task \S+, exit 1, Essential container in task exited\): two \| moodledata-removed p-exit-old \| moodledata-purge-done$/,
      );
    } finally {
      w.fake.ecs.onRunTask = runHere;
    }
  });

  it('a destroyed entry whose other records are handed over or in use is deleted: nothing is left for it to purge', async () => {
    await secret('moodle-preview/sites/p-d3/db', ours('p-d3'));
    await secret('moodle-preview/sites/p-d4/db', ours('p-d4'));
    await putEntries(
      entry('p-keeper'),
      entry('p-d3', {
        destroyedAt: OLD,
        retired: [
          { kind: 'db-secret', name: 'moodle-preview/sites/p-d3/db', since: OLD, reason: 'destroyed' },
          { kind: 'database', name: 'moodle_p_keeper_next', since: OLD, reason: 'taken over by p-keeper' },
        ],
      }),
      entry('p-d4', {
        destroyedAt: OLD,
        retired: [
          { kind: 'db-secret', name: 'moodle-preview/sites/p-d4/db', since: OLD, reason: 'destroyed' },
          { kind: 'database', name: 'moodle_p_keeper', since: OLD, reason: 'destroyed' },
        ],
      }),
    );
    const log = memoryLogger();
    const r = await purge({ log });
    expect(r.deletedEntries.sort()).toEqual(['p-d3', 'p-d4']);
    // Only sites with something to purge get a section in the log.
    expect(log.lines.filter((l) => l.startsWith('── purging retired data of '))).toEqual([
      '── purging retired data of p-d3',
      '── purging retired data of p-d4',
    ]);
  });
});
