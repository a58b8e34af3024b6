// What a destroy does with a site's data, row by row: kept without purge, found gone, or removed once
// for all rows that share one removal. The moodledata removal script runs in a real shell against a
// temporary folder standing for the EFS mount (the one-off task would run it in the site's container);
// the databases' purger is the interface destroy is given, answering what a server would.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  checkPlatformText,
  ConfigurationError,
  destroyTarget,
  memoryLogger,
  type PurgeResult,
} from '@moodle-preview/core';
import { databaseRows } from '../../packages/core/src/resources/databases.js';
import {
  moodledataRemovalScript,
  moodledataRows,
  type RemovalTaskDefinition,
} from '../../packages/core/src/resources/moodledata.js';
import type { DestroyEnv } from '../../packages/core/src/destroy/types.js';
import { registryEntry, retiredRecord } from '../refresh/registry-records.js';
import { thrown } from '../harness/failure.js';

const sh = promisify(execFile);
const platform = checkPlatformText(
  'platform.yml',
  await readFile('workflows-examples/platform.yml', 'utf8'),
).value!;

let root: string;
beforeEach(async () => {
  // A path the script accepts: segments of letters, digits, ., _ and - only.
  root = await mkdtemp(join(tmpdir(), 'mdl-efs-'));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe('the moodledata removal script', () => {
  it('removes exactly each folder and the cron log, says what it found, and is harmless run again', async () => {
    await mkdir(join(root, 'site-a', 'filedir'), { recursive: true });
    await writeFile(join(root, 'site-a', 'filedir', 'f'), 'x');
    await mkdir(join(root, 'site-a-old'));
    await mkdir(join(root, 'other-site'));
    await mkdir(join(root, 'cron_logs'));
    await writeFile(join(root, 'cron_logs', 'cron_a.log'), 'log');
    await writeFile(join(root, 'cron_logs', 'cron_b.log'), 'log');
    const script = moodledataRemovalScript(
      root,
      ['site-a', 'site-a-old', 'never-made'],
      `${root}/cron_logs/cron_a.log`,
    );
    const first = await sh('sh', ['-c', script]);
    expect(first.stdout.trim().split('\n')).toEqual([
      'moodledata-removed site-a',
      'moodledata-removed site-a-old',
      'moodledata-absent never-made',
      'cron-log-removed',
      'moodledata-purge-done',
    ]);
    expect((await readdir(root)).sort()).toEqual(['cron_logs', 'other-site']);
    expect(await readdir(join(root, 'cron_logs'))).toEqual(['cron_b.log']);
    const again = await sh('sh', ['-c', script]);
    expect(again.stdout.trim().split('\n')).toEqual([
      'moodledata-absent site-a',
      'moodledata-absent site-a-old',
      'moodledata-absent never-made',
      'cron-log-absent',
      'moodledata-purge-done',
    ]);
  });

  it.each([
    ['/', 'EFS mount path "/" must be an absolute path other than /'],
    ['relative/path', 'EFS mount path "relative/path" must be an absolute path other than /'],
    ['/mnt/../etc', 'EFS mount path "/mnt/../etc" must be an absolute path other than /'],
    ["/mnt/it's", 'EFS mount path "/mnt/it\'s" must be an absolute path other than /'],
  ])('refuses the mount path %j', (mount, problem) => {
    const err = thrown(() => moodledataRemovalScript(mount, ['a'], `${mount}/cron_logs/cron_a.log`));
    expect(err).toBeInstanceOf(ConfigurationError);
    expect(err.message).toContain(`- ${problem}`);
  });

  it.each(['', '.', '..', 'a/b', 'cron_logs', "a'b", 'a b', 'x'.repeat(129)])(
    'refuses the folder %j',
    (folder) => {
      const err = thrown(() =>
        moodledataRemovalScript('/mnt/efs', [folder], '/mnt/efs/cron_logs/cron_a.log'),
      );
      expect(err).toBeInstanceOf(ConfigurationError);
      expect(err.message).toBe(
        `refusing to remove moodledata:\n- moodledata folder ${JSON.stringify(folder)} must be one folder name (not empty, ., .., / or cron_logs)`,
      );
    },
  );

  it('takes folder names with dots that are not . or .., up to 128 characters', () => {
    expect(() =>
      moodledataRemovalScript(
        '/mnt/efs',
        ['...', '.hidden', 'a..b', 'x'.repeat(128)],
        '/mnt/efs/cron_logs/c.log',
      ),
    ).not.toThrow();
  });

  it.each(['/mnt/efs/cron_a.log', '/mnt/other/cron_logs/cron_a.log', "/mnt/efs/cron_logs/a'; rm -rf /"])(
    'refuses the cron log %j',
    (log) => {
      const err = thrown(() => moodledataRemovalScript('/mnt/efs', ['a'], log));
      expect(err.message).toBe(
        `refusing to remove moodledata:\n- cron log ${JSON.stringify(log)} must be under /mnt/efs/cron_logs/`,
      );
    },
  );

  it('lists every problem at once', () => {
    const err = thrown(() => moodledataRemovalScript('/', ['..', 'ok', 'cron_logs'], '/x'));
    expect(err.message.split('\n')).toHaveLength(1 + 4);
  });
});

/** An environment for the row builders: the purger and one-off task runner are what destroy is given. */
function envFor(over: { purge: boolean; mountPath?: string; folders?: string[] }) {
  const entry = registryEntry('site-a', {
    moodledataFolder: 'site-a',
    retired: [
      retiredRecord('moodledata', 'site-a-old', '2026-11-01'),
      retiredRecord('database', 'moodle_old', '2026-11-01'),
    ],
  });
  const target = destroyTarget(
    'site-a',
    { ...platform, efs: { ...platform.efs, mount_path: over.mountPath ?? root } },
    entry,
  );
  if (over.folders) target.data.moodledataFolders = over.folders;
  const purges: unknown[] = [];
  let answer: PurgeResult = {
    dropped: { databases: ['moodle_site_a', 'moodle_old'], users: [] },
    absent: { databases: ['mim_site_a'], users: ['mdl_site_a'] },
  };
  let taskAnswer: ((script: string) => Promise<{ exitCode: number; logLines: string[] }>) | undefined;
  const runs: {
    container: string;
    logGroup: string;
    logStreamPrefix: string;
    startedBy: string;
    arn: string;
  }[] = [];
  const env = {
    target,
    entry,
    purge: over.purge,
    log: memoryLogger(),
    platform,
    db: {
      mode: 'task' as const,
      inspect: async () => undefined,
      purge: async (t: unknown) => {
        purges.push(t);
        return answer;
      },
    },
    tasks: {
      run: async (input: {
        container: string;
        command: string[];
        logGroup: string;
        logStreamPrefix: string;
        startedBy: string;
        taskDefinitionArn: string;
      }) => {
        runs.push({
          container: input.container,
          logGroup: input.logGroup,
          logStreamPrefix: input.logStreamPrefix,
          startedBy: input.startedBy,
          arn: input.taskDefinitionArn,
        });
        // The container's shell: here the test machine's.
        const out = taskAnswer
          ? await taskAnswer(input.command[2]!)
          : await sh(input.command[0]!, input.command.slice(1)).then(
              (r) => ({ exitCode: 0, logLines: r.stdout.trim().split('\n') }),
              (e: { code: number; stdout: string }) => ({
                exitCode: e.code,
                logLines: e.stdout.trim().split('\n'),
              }),
            );
        return { ...out, taskArn: 'arn:aws:ecs:eu-west-2:123456789012:task/moodle_cluster/t1' };
      },
    },
  } as unknown as DestroyEnv;
  return {
    env,
    purges,
    runs,
    setAnswer: (a: PurgeResult) => (answer = a),
    setTask: (f: typeof taskAnswer) => (taskAnswer = f),
  };
}

const td = (containers: { name: string; options?: Record<string, string> }[]): RemovalTaskDefinition => ({
  arn: async () => 'arn:aws:ecs:eu-west-2:123456789012:task-definition/mdl_ecs_task_def-site-a:7',
  td: {
    family: 'mdl_ecs_task_def-site-a',
    containerDefinitions: containers.map((c) => ({
      name: c.name,
      ...(c.options ? { logConfiguration: { logDriver: 'awslogs', options: c.options } } : {}),
    })),
  },
});

describe('database rows', () => {
  it('without purge: every database and user kept, on its server', () => {
    const { env } = envFor({ purge: false });
    const rows = databaseRows(env, undefined, false);
    expect(rows.map((r) => [r.resource, r.name, r.plan, r.note, r.step])).toEqual([
      [
        'database',
        'moodle_site_a',
        'keep',
        'data: kept (purge-data and confirm remove it); on db-a.internal',
        'data in place',
      ],
      [
        'database',
        'mim_site_a',
        'keep',
        'data: kept (purge-data and confirm remove it); on db-a.internal',
        'data in place',
      ],
      [
        'database',
        'moodle_old',
        'keep',
        'data: kept (purge-data and confirm remove it); on db-a.internal',
        'data in place',
      ],
      [
        'DB user',
        "mdl_site_a@'%'",
        'keep',
        'data: kept (purge-data and confirm remove it); on db-a.internal',
        'data in place',
      ],
    ]);
    expect(rows.every((r) => r.data && !r.apply)).toBe(true);
  });

  it('with purge: what the server no longer has is gone; the rest is dropped by one purge, each row its own outcome', async () => {
    const { env, purges } = envFor({ purge: true });
    const rows = databaseRows(
      env,
      { databases: ['moodle_site_a', 'moodle_old'], users: ['mdl_site_a'] },
      false,
    );
    expect(rows.map((r) => [r.name, r.plan])).toEqual([
      ['moodle_site_a', 'remove'],
      ['mim_site_a', 'gone'],
      ['moodle_old', 'remove'],
      ["mdl_site_a@'%'", 'remove'],
    ]);
    expect(rows[0]!.note).toBe('SQL task: DROP … IF EXISTS on db-a.internal');
    const outcomes = await Promise.all(rows.filter((r) => r.apply).map((r) => r.apply!()));
    // The user vanished between the read and the purge: "already gone", not "removed".
    expect(outcomes).toEqual(['removed', 'removed', 'already gone']);
    expect((env.log as unknown as { lines: string[] }).lines.filter((l) => /dropped/.test(l))).toEqual([
      '  dropped database moodle_site_a',
      '  dropped database moodle_old',
    ]);
    expect(purges).toEqual([
      { databases: ['moodle_site_a', 'mim_site_a', 'moodle_old'], users: ['mdl_site_a'] },
    ]);
  });

  it('a database and a user of the same name are told apart by kind', async () => {
    const { env, setAnswer } = envFor({ purge: true });
    env.target.data.users = ['moodle_site_a'];
    setAnswer({ dropped: { databases: [], users: ['moodle_site_a'] }, absent: { databases: [], users: [] } });
    const rows = databaseRows(env, undefined, false);
    const out = await Promise.all(rows.map((r) => r.apply!()));
    expect(rows.map((r) => r.name)).toEqual([
      'moodle_site_a',
      'mim_site_a',
      'moodle_old',
      "moodle_site_a@'%'",
    ]);
    expect(out).toEqual(['already gone', 'already gone', 'already gone', 'removed']);
  });

  it("unknown state: gone when the site's DB secret is, else removed (direct mode says so)", () => {
    const { env } = envFor({ purge: true });
    const gone = databaseRows(env, undefined, true);
    expect(gone.every((r) => r.plan === 'gone' && !r.apply)).toBe(true);
    expect(gone[0]!.note).toBe('dropped before the DB secret was deleted, by an earlier run');
    (env.db as { mode: string }).mode = 'direct';
    const rows = databaseRows(env, undefined, false);
    expect(rows.every((r) => r.plan === 'remove')).toBe(true);
    expect(rows[0]!.note).toBe('direct: DROP … IF EXISTS on db-a.internal');
  });

  it('a known state wins over a gone secret: what is still there is removed', () => {
    const { env } = envFor({ purge: true });
    const rows = databaseRows(env, { databases: ['moodle_old'], users: [] }, true);
    expect(rows.map((r) => r.plan)).toEqual(['gone', 'gone', 'remove', 'gone']);
  });
});

describe('moodledata rows', () => {
  it('without purge: each folder and the cron log kept, no task run', () => {
    const { env, runs } = envFor({ purge: false });
    const rows = moodledataRows(env, td([{ name: 'site-a' }]), false);
    expect(rows.map((r) => [r.resource, r.name, r.plan])).toEqual([
      ['moodledata', `${root}/site-a`, 'keep'],
      ['moodledata', `${root}/site-a-old`, 'keep'],
      ['cron log', `${root}/cron_logs/cron_site-a.log`, 'keep'],
    ]);
    expect(runs).toEqual([]);
  });

  it('with purge: one task of the site’s first container removes all, each row its own outcome', async () => {
    const { env, runs } = envFor({ purge: true });
    await mkdir(join(root, 'site-a'));
    await mkdir(join(root, 'cron_logs'));
    await writeFile(join(root, 'cron_logs', 'cron_site-a.log'), 'x');
    const rows = moodledataRows(
      env,
      td([
        { name: 'site-a', options: { 'awslogs-group': '/custom/site-a', 'awslogs-stream-prefix': 'web' } },
        { name: 'sidecar' },
      ]),
      false,
    );
    expect(rows.map((r) => [r.plan, r.note])).toEqual([
      ['remove', 'rm -rf by a one-off task of mdl_ecs_task_def-site-a'],
      ['remove', 'rm -rf by a one-off task of mdl_ecs_task_def-site-a'],
      ['remove', 'rm -f by a one-off task of mdl_ecs_task_def-site-a'],
    ]);
    expect(await Promise.all(rows.map((r) => r.apply!()))).toEqual(['removed', 'already gone', 'removed']);
    expect(runs).toEqual([
      {
        container: 'site-a',
        logGroup: '/custom/site-a',
        logStreamPrefix: 'web',
        startedBy: 'mdl-preview/site-a',
        arn: 'arn:aws:ecs:eu-west-2:123456789012:task-definition/mdl_ecs_task_def-site-a:7',
      },
    ]);
    expect(await readdir(root)).toEqual(['cron_logs']);
  });

  it("reads the task's output from the site's log group when its container names none", async () => {
    const { env, runs } = envFor({ purge: true });
    await moodledataRows(env, td([{ name: 'site-a' }]), false)[0]!.apply!();
    expect(runs[0]).toMatchObject({ logGroup: '/moodle-preview/sites/site-a' });
  });

  it('a long link is cut to the 36 characters startedBy takes', async () => {
    const { env, runs } = envFor({ purge: true });
    env.target.link = 'a'.repeat(28);
    await moodledataRows(env, td([{ name: 'x' }]), false)[0]!.apply!();
    expect(runs[0]!.startedBy).toBe(`mdl-preview/${'a'.repeat(24)}`);
  });

  it('gone when the DB secret is (an earlier run got past it), or when no task definition is left', () => {
    const { env, runs } = envFor({ purge: true });
    const afterSecret = moodledataRows(env, td([{ name: 'site-a' }]), true);
    expect(afterSecret.map((r) => [r.plan, r.note])).toEqual(
      Array(3).fill(['gone', 'removed before the DB secret was deleted, by an earlier run']),
    );
    const noTd = moodledataRows(env, undefined, false);
    expect(noTd.every((r) => r.plan === 'gone' && /remove it by hand/.test(r.note!))).toBe(true);
    expect(runs).toEqual([]);
  });

  it('refuses a bad folder when the rows are built, before any change', () => {
    const { env, runs } = envFor({ purge: true, folders: ['..'] });
    expect(() => moodledataRows(env, td([{ name: 'site-a' }]), false)).toThrow(ConfigurationError);
    expect(runs).toEqual([]);
    // Nothing to run, nothing to check: without purge, or once the secret is gone.
    expect(() =>
      moodledataRows(envFor({ purge: false, folders: ['..'] }).env, td([{ name: 'x' }]), false),
    ).not.toThrow();
    expect(() => moodledataRows(env, td([{ name: 'x' }]), true)).not.toThrow();
  });

  it.each([
    ['exits non-zero', { exitCode: 1, logLines: ['moodledata-removed site-a', 'moodledata-purge-done'] }],
    ['ends without its done marker', { exitCode: 0, logLines: ['moodledata-removed site-a'] }],
  ])('fails when the task %s, quoting its last lines', async (_what, answer) => {
    const { env, setTask } = envFor({ purge: true });
    setTask(async () => answer);
    const err = await moodledataRows(env, td([{ name: 'site-a' }]), false)[0]!.apply!().then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(err.message).toBe(
      `removing moodledata failed (task arn:aws:ecs:eu-west-2:123456789012:task/moodle_cluster/t1, exit ${answer.exitCode}): ${answer.logLines.join(' | ')}`,
    );
  });
});
