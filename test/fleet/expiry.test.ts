// Expiry on the AWS fake: deploy records the day a site expires (its expires, else the platform's
// lifetime from its first deploy; pinned never), refuses a date already past before any change, and
// `mdl-preview sweep` destroys what has expired with its data kept (retired in the registry), lists
// what expires soon, leaves pinned sites alone, and spares a site a redeploy extended. The sweep's
// choices are also tested on their own.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import {
  ConfigurationError,
  decideSweep,
  memoryLogger,
  sweepExpired,
  type SiteRegistryEntry,
} from '@moodle-preview/core';
import { expectAllowedAs } from '../iam/replay.js';
import { useMariaDb } from '../servers/mariadb.js';
import { createWorld, minimalSettings, type World } from '../deploy/world.js';

const DAY = 86_400_000;
const today = new Date().toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.parse(`${today}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);

const mariadb = useMariaDb();
let world: World;
let platformFile: string;
const entry = (link: string) =>
  JSON.parse(world.fake.ssm.parameters.get(`/moodle-preview/sites/${link}`)!.Value) as SiteRegistryEntry;

beforeAll(async () => {
  world = await createWorld(mariadb());
  platformFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sweep-')), 'platform.yml');
  writeFileSync(platformFile, world.platformText);
});
afterAll(async () => world.close());

async function sweep(at: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['sweep', ...args], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ...process.env, MDL_PREVIEW_PLATFORM: platformFile },
    now: () => new Date(`${at}T09:00:00Z`),
  });
  return { code, stdout, stderr };
}

describe('expiry', () => {
  it('records the expiry day at deploy: the lifetime from the first deploy, an explicit date, or none when pinned', async () => {
    await world.deploy(minimalSettings('forgotten'));
    expect(entry('forgotten')).toMatchObject({ firstDeployedOn: today, expiresOn: inDays(90) });
    world.fake.server.resetCalls();
    const again = await world.deploy(minimalSettings('forgotten'));
    expect(again.changed).toBe(false);
    expect(world.fake.server.count({ mutating: true })).toBe(0);

    await world.deploy(minimalSettings('soon', `expires: ${inDays(100)}\n`));
    expect(entry('soon').expiresOn).toBe(inDays(100));
    await world.deploy(minimalSettings('keeper', 'pinned: true\n'));
    expect(entry('keeper')).toMatchObject({ pinned: true });
    expect(entry('keeper').expiresOn).toBeUndefined();
  });

  it('refuses an expires that is not after today, before any change', async () => {
    world.fake.server.resetCalls();
    const err = await world.deploy(minimalSettings('soon', `expires: ${today}\n`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigurationError);
    expect((err as Error).message).toBe(
      `expires ${today} is not after today (${today}): the expiry sweep would destroy the site; set a later date, or pinned: true`,
    );
    expect(world.fake.server.count({ mutating: true })).toBe(0);
    expect(entry('soon').expiresOn).toBe(inDays(100));
  });

  it('sweeps: destroys the expired site with its data kept, warns of the next, leaves pinned ones', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sweep-md-'));
    const summary = path.join(dir, 'summary.md');
    const dry = await sweep(inDays(95), '--dry-run', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      destroyed: [],
      expired: [{ site: 'forgotten', expiresOn: inDays(90), daysLeft: -5 }],
      expiring: [{ site: 'soon', expiresOn: inDays(100), daysLeft: 5 }],
      kept: [{ site: 'keeper', why: 'pinned' }],
    });
    expect(entry('forgotten').destroyedAt).toBeUndefined();

    world.fake.server.resetCalls();
    const r = await sweep(inDays(95), '--json', '--markdown', summary);
    expect(r.stderr).toMatch(/forgotten: expired on \S+; destroying it \(data kept, recorded as retired\)/);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).destroyed).toEqual(['forgotten']);
    // Destroyed as destroy-instance does without purge: the service is gone, the data recorded as retired.
    expect(world.fake.inventory()['ecs:service']).not.toContain('moodle_cluster/mdl-forgotten');
    expect(entry('forgotten').destroyedAt).toBeDefined();
    expect(
      entry('forgotten')
        .retired.map((x) => x.kind)
        .sort(),
    ).toEqual(expect.arrayContaining(['database', 'moodledata']));
    expect(world.fake.inventory()['ecs:service']).toEqual(
      expect.arrayContaining(['moodle_cluster/mdl-soon', 'moodle_cluster/mdl-keeper']),
    );
    // sweep-expired.yml runs it with destroy-instance's role: every call is one that policy allows.
    await expectAllowedAs(world.fake.server.calls, 'destroy-instance', { platformText: world.platformText });
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('| forgotten | ' + inDays(90) + ' | destroyed, data kept as retired |');
    expect(md).toContain(
      `| soon | ${inDays(100)} | expires in 5 day(s): set a later expires, or pinned: true |`,
    );

    // A second sweep finds nothing more to destroy: the destroyed site is not listed again.
    const again = await sweep(inDays(95), '--json');
    expect(JSON.parse(again.stdout).expired).toEqual([]);
  });

  it('spares a site a redeploy extended with a later expires', async () => {
    await world.deploy(minimalSettings('soon', `expires: ${inDays(150)}\n`));
    expect(entry('soon').expiresOn).toBe(inDays(150));
    const r = await sweep(inDays(105), '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ expired: [], expiring: [] });
    expect(entry('soon').destroyedAt).toBeUndefined();
  });
});

describe("the sweep's choices", () => {
  const site = (link: string, extra: Partial<SiteRegistryEntry>) =>
    ({ previewLink: link, url: `https://${link}.example`, retired: [], ...extra }) as SiteRegistryEntry;

  it('expires on the day and after, warns within warn-days, never touches pinned, undated or destroyed sites', () => {
    const d = decideSweep(
      [
        site('b-today', { expiresOn: '2027-01-10' }),
        site('a-overdue', { expiresOn: '2027-01-01' }),
        site('in-7', { expiresOn: '2027-01-17', deployedFrom: { repository: 'o/r', branch: 'feature-x' } }),
        site('in-8', { expiresOn: '2027-01-18' }),
        site('pinned', { expiresOn: '2027-01-01', pinned: true }),
        site('undated', {}),
        site('gone', { expiresOn: '2027-01-01', destroyedAt: '2027-01-02' }),
      ],
      '2027-01-10',
      7,
    );
    expect(d.expired.map((s) => [s.site, s.daysLeft])).toEqual([
      ['a-overdue', -9],
      ['b-today', 0],
    ]);
    expect(d.expiring).toEqual([
      {
        site: 'in-7',
        url: 'https://in-7.example',
        expiresOn: '2027-01-17',
        daysLeft: 7,
        deployedFrom: { repository: 'o/r', branch: 'feature-x' },
      },
    ]);
    expect(d.kept).toEqual([
      { site: 'pinned', why: 'pinned' },
      { site: 'undated', why: 'no expiry' },
    ]);
  });

  it('goes on past a destroy that fails, and reports it for the next run', async () => {
    const destroyed: string[] = [];
    const r = await sweepExpired({
      entries: [site('one', { expiresOn: '2027-01-01' }), site('two', { expiresOn: '2027-01-02' })],
      today: '2027-01-10',
      warnDays: 7,
      dryRun: false,
      log: memoryLogger(),
      destroy: async (s) => {
        if (s === 'one') throw new Error('ThrottlingException: Rate exceeded');
        destroyed.push(s);
      },
    });
    expect(destroyed).toEqual(['two']);
    expect(r.destroyed).toEqual(['two']);
    expect(r.failed).toEqual([{ site: 'one', error: 'ThrottlingException: Rate exceeded' }]);
  });
});
