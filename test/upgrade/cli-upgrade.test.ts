// mdl-preview upgrade and purge-retired from a terminal, in-process against the fake and MariaDB.
import { afterEach, describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';
import { useMariaDb } from '../servers/mariadb.js';
import { IMAGE, createUpgradeWorld, type UpgradeWorld } from './world.js';

const mariadb = useMariaDb();
let world: UpgradeWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function cli(w: UpgradeWorld) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    stdout: (t: string) => out.push(t),
    stderr: (t: string) => err.push(t),
    env: { ...process.env, ...w.fake.env() },
  };
  return { io, out, err };
}

describe('mdl-preview upgrade', () => {
  it('--dry-run reads the version and prints the hops, running nothing else', async () => {
    world = await createUpgradeWorld(mariadb());
    const { io, out } = cli(world);
    world.fake.server.resetCalls();
    const code = await main(
      [
        'upgrade',
        world.link,
        '--to',
        '4.2.3',
        '--image',
        IMAGE('moodle-full-4.2.3-8.1'),
        '--db-access',
        'direct',
        '--dry-run',
        '--platform',
        world.platformFile,
      ],
      io,
    );
    expect(code).toBe(0);
    const text = out.join('');
    expect(text).toContain('is at Moodle 3.11.18 (Build: 20231211)');
    expect(text).toContain('dry run: 1 hop(s) from 3.11.18 to 4.2.3; nothing ran');
    expect(world.fake.server.count({ mutating: true })).toBe(0);
  });

  it('refuses an impossible path with exit 1 and the reason', async () => {
    world = await createUpgradeWorld(mariadb());
    await world.setVersion('4.0.5 (Build: 20221010)', '2022041905.00');
    const { io, err } = cli(world);
    const code = await main(
      [
        'upgrade',
        world.link,
        '--to',
        '5.0.1',
        '--image',
        IMAGE('moodle-full-5.0.1-8.3'),
        '--db-access',
        'direct',
        '--platform',
        world.platformFile,
      ],
      io,
    );
    expect(code).toBe(1);
    expect(err.join('')).toMatch(
      /no upgrade path from Moodle 4\.0\.5 to 5\.0\.1: 5\.0 needs 4\.2\.3 or later/,
    );
  });
});

describe('mdl-preview purge-retired', () => {
  it('--dry-run --json lists the records and what it would do', async () => {
    world = await createUpgradeWorld(mariadb());
    const { io, out } = cli(world);
    const code = await main(['purge-retired', '--dry-run', '--json', '--platform', world.platformFile], io);
    expect(code).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({ items: [], deletedEntries: [] });
    expect(
      await main(['purge-retired', '--older-than-days', 'x', '--platform', world.platformFile], io),
    ).toBe(2);
  });
});
