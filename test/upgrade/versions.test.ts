// The upgrade path planner, table-driven over many from/to pairs: direct upgrades, hops through the
// images table, refusals (no path, downgrade, PHP that does not fit), and reading mdl_config values.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  ConfigurationError,
  moodleVersion,
  parseImagesTable,
  parseRelease,
  phpProblem,
  planUpgrade,
  releaseText,
  type HopImage,
} from '@moodle-preview/core';

const img = (release: string, php: string): HopImage => ({
  release: parseRelease(release),
  image: `repo:moodle-full-${release}-${php}`,
  php,
});

const TABLE: HopImage[] = [
  img('3.11.18', '8.0'),
  img('4.1.12', '8.0'),
  img('4.2.3', '8.1'),
  img('4.3.8', '8.1'),
  img('4.4.4', '8.2'),
];

/** from → target (image release, php) → the hops as "a→b", or the refusal's text. */
const CASES: [string, string, string, string[] | RegExp][] = [
  // Direct: the target accepts the database as it is.
  ['3.11.18', '4.2.3', '8.1', ['3.11.18→4.2.3']],
  ['3.11.8', '4.3.8', '8.0', ['3.11.8→4.3.8']],
  ['4.1.2', '4.5.3', '8.1', ['4.1.2→4.5.3']],
  ['4.1.12', '4.4.4', '8.3', ['4.1.12→4.4.4']],
  ['4.2.3', '5.0.1', '8.2', ['4.2.3→5.0.1']],
  ['4.4.4', '5.0.1', '8.4', ['4.4.4→5.0.1']],
  ['4.5.1', '4.5.3', '8.1', ['4.5.1→4.5.3']],
  ['4.5.3', '4.5.3', '8.1', ['4.5.3→4.5.3']],
  ['3.9.0', '4.1.12', '8.0', ['3.9.0→4.1.12']],
  // One hop first (the newest image that accepts the database: fewest hops): 4.4/4.5 need 4.1.2,
  // 5.0 needs 4.2.3, 4.2/4.3 need 3.11.8.
  ['3.11.18', '4.5.3', '8.1', ['3.11.18→4.3.8', '4.3.8→4.5.3']],
  ['3.11.7', '4.2.3', '8.1', ['3.11.7→4.1.12', '4.1.12→4.2.3']],
  ['4.0.5', '4.4.4', '8.1', ['4.0.5→4.3.8', '4.3.8→4.4.4']],
  ['4.1.1', '4.5.3', '8.1', ['4.1.1→4.3.8', '4.3.8→4.5.3']],
  ['4.1.12', '5.0.1', '8.3', ['4.1.12→4.4.4', '4.4.4→5.0.1']],
  ['3.11.18', '5.0.1', '8.2', ['3.11.18→4.3.8', '4.3.8→5.0.1']],
  // Two hops.
  ['3.10.0', '4.5.3', '8.1', ['3.10.0→4.1.12', '4.1.12→4.5.3']],
  ['3.9.0', '5.0.1', '8.2', ['3.9.0→4.1.12', '4.1.12→4.4.4', '4.4.4→5.0.1']],
  ['3.11.5', '5.0.1', '8.3', ['3.11.5→4.1.12', '4.1.12→4.4.4', '4.4.4→5.0.1']],
  // Refused.
  ['4.5.3', '4.2.3', '8.1', /newer than the target 4.2.3: Moodle cannot downgrade/],
  ['4.2.3', '4.5.3', '8.0', /Moodle 4\.5\.3 runs on PHP 8\.1 to 8\.3, not 8\.0/],
  ['4.2.3', '5.0.1', '8.1', /Moodle 5\.0\.1 runs on PHP 8\.2 to 8\.4, not 8\.1/],
  ['3.11.18', '4.2.1', '8.2', /Moodle 4\.2\.1 runs on PHP 8\.0 to 8\.1, not 8\.2/],
];

describe('planUpgrade', () => {
  it.each(CASES)('%s → %s on PHP %s', (from, to, php, expected) => {
    const plan = () => planUpgrade(parseRelease(from), img(to, php), TABLE);
    if (expected instanceof RegExp) {
      expect(plan).toThrow(ConfigurationError);
      expect(plan).toThrow(expected);
      return;
    }
    const hops = plan().hops;
    expect(hops.map((h) => `${releaseText(h.from)}→${releaseText(h.to)}`)).toEqual(expected);
    // Every hop names the image holding that release's code and its PHP.
    for (const h of hops) expect(h.image).toContain(`moodle-full-${releaseText(h.to)}-${h.php}`);
  });

  it('refuses a path with no image of an intermediate release, naming what to add', () => {
    const only = [img('4.1.12', '8.0')];
    expect(() => planUpgrade(parseRelease('3.11.18'), img('5.0.1', '8.2'), only)).toThrow(
      /no upgrade path from Moodle 4\.1\.12 to 5\.0\.1: 5\.0 needs 4\.2\.3 or later.*\(4\.1\.12\).*Add a full image of an intermediate release \(e\.g\. 4\.2\.x, which accepts 3\.11\.8 or later\)/s,
    );
    expect(() => planUpgrade(parseRelease('3.11.18'), img('4.5.3', '8.1'), [])).toThrow(
      /no upgrade path from Moodle 3\.11\.18 to 4\.5\.3: 4\.5 needs 4\.1\.2 or later, and no image in the images table \(none\)/,
    );
  });

  it('checks PHP ranges that widen within a branch', () => {
    expect(phpProblem(parseRelease('3.11.7'), '8.0')).toMatch(/7\.3 to 7\.4/);
    expect(phpProblem(parseRelease('3.11.8'), '8.0')).toBeUndefined();
    expect(phpProblem(parseRelease('4.1.1'), '8.1')).toMatch(/7\.4 to 8\.0/);
    expect(phpProblem(parseRelease('4.1.2'), '8.1')).toBeUndefined();
    expect(phpProblem(parseRelease('4.2.3'), '8.2')).toBeUndefined();
    expect(phpProblem(parseRelease('4.4.0'), '8.0')).toMatch(/8\.1 to 8\.3/);
  });
});

describe('Moodle versions', () => {
  it.each([
    ['2021051718.00', '3.11.18 (Build: 20231211)', '3.11.18'],
    ['2022112812.05', '4.1.12+ (Build: 20240830)', '4.1.12'],
    ['2024100703.00', '4.5.3 (Build: 20250317)', '4.5.3'],
    ['2025041400.00', '5.0 (Build: 20250414)', '5.0.0'],
  ])('%s / %s is %s', (version, release, expected) => {
    expect(releaseText(moodleVersion(version, release))).toBe(expected);
  });

  it('refuses a version number that does not belong to the release', () => {
    expect(() => moodleVersion('2022112812.00', '3.11.18 (Build: 20231211)')).toThrow(
      /does not belong to release 3\.11\.18.*start with 20210517/,
    );
    expect(() => parseRelease('six')).toThrow(/not a Moodle release/);
    expect(() => parseRelease('2.7')).toThrow(/Moodle 2\.7 is not a release this planner knows/);
  });

  it('reads the images table as YAML or JSON and refuses bad entries', () => {
    const table = parseImagesTable(
      "4.1.12: {image: 'r:moodle-full-4.1.12-8.0', php: '8.0'}\n4.2.3: {image: r:x, php: 8.1}\n",
    );
    expect(table.map((t) => `${releaseText(t.release)} ${t.php} ${t.image}`)).toEqual([
      '4.1.12 8.0 r:moodle-full-4.1.12-8.0',
      '4.2.3 8.1 r:x',
    ]);
    expect(parseImagesTable('{"4.4.4": {"image": "r:y", "php": "8.2"}}')[0]!.image).toBe('r:y');
    expect(() =>
      parseImagesTable(
        '4.1.12: {image: r:x, php: "8.3"}\n4.9: {image: r:y, php: "8.1"}\n4.2.3: {imag: r:x, php: "8.1"}\n',
      ),
    ).toThrow(
      /images has problems:\n- 4\.1\.12: Moodle 4\.1\.12 runs on PHP 7\.4 to 8\.1, not 8\.3\n- 4\.9: Moodle 4\.9 is not a release this planner knows.*\n- 4\.2\.3: .*imag/,
    );
  });

  it('reads the images table from a file named by the input, and refuses one that is missing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'images-'));
    try {
      for (const name of ['images.yml', 'images.yaml', 'images.json']) {
        const file = path.join(dir, name);
        writeFileSync(file, '{"4.1.12": {"image": "r:from-file", "php": "8.0"}}\n');
        expect(parseImagesTable(`  ${file}\n`).map((t) => t.image)).toEqual(['r:from-file']);
      }
      expect(() => parseImagesTable(path.join(dir, 'missing.yml'), 'hop-images')).toThrow(
        new ConfigurationError(`hop-images: file ${path.join(dir, 'missing.yml')} does not exist`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Text is text, whatever it mentions: a name ending in .json inside it, or a last line ending in .yml.
    expect(parseImagesTable('{"4.1.12": {"image": "r:tables.json-8.0", "php": "8.0"}}')[0]!.image).toBe(
      'r:tables.json-8.0',
    );
    expect(parseImagesTable("4.1.12:\n  image: r:x\n  php: '8.0'\n# as in images.yml")[0]!.image).toBe('r:x');
    expect(parseImagesTable('  \n')).toEqual([]);
    expect(parseImagesTable(undefined)).toEqual([]);
  });

  it('keeps a release key as written (5.0 is not the number 5) and tells each bad entry apart', () => {
    expect(parseImagesTable("5.0: {image: r:z, php: '8.2'}").map((t) => releaseText(t.release))).toEqual([
      '5.0.0',
    ]);
    for (const notAMap of ['- 4.1.12\n- 4.2.3', 'just text', '[]'])
      expect(() => parseImagesTable(notAMap)).toThrow(/^images must map releases to \{image, php\}/);
    expect(() => parseImagesTable('4.1.12: an-image\n4.2.3: {}')).toThrow(
      /images has problems:\n- 4\.1\.12: value [^\n]*\n- 4\.2\.3: image [^\n]*; php [^\n]*$/,
    );
    expect(() =>
      parseImagesTable("4.1.12: {image: r:a, php: '8.0'}\n4.1.12+: {image: r:b, php: '8.0'}"),
    ).toThrow(/images has problems:\n- 4\.1\.12\+: listed twice$/);
  });

  it('knows the first and last branches it lists, and reads versions strictly', () => {
    expect(moodleVersion(' 2020061504.00 ', '3.9.4 (Build: 20201109)')).toEqual({
      branch: '3.9',
      point: 4,
      version: '2020061504.00',
      release: '3.9.4 (Build: 20201109)',
    });
    expect(() => moodleVersion('2021051704.00', '3.9.4')).toThrow(/versions start with 20200615/);
    expect(moodleVersion('2025100600', '5.1 (Build: 20251006)').branch).toBe('5.1');
    expect(() => moodleVersion('2025041400.00', '5.1.0')).toThrow(/versions start with 20251006/);
    expect(() => moodleVersion('x2021051718.00', '3.11.18')).toThrow(/is not a Moodle version number/);
    expect(() => moodleVersion('2021051718.00x', '3.11.18')).toThrow(/is not a Moodle version number/);
    expect(() => parseRelease('x4.1.2')).toThrow(/"x4\.1\.2" is not a Moodle release/);
    expect(() => parseRelease('10.0')).toThrow(/Moodle 10\.0 is not a release this planner knows/);
    expect(phpProblem(parseRelease('3.9.5'), '7.2')).toBeUndefined();
    expect(phpProblem(parseRelease('3.9.5'), '8.0')).toBe('Moodle 3.9.5 runs on PHP 7.2 to 7.4, not 8.0');
    expect(phpProblem(parseRelease('3.10.1'), '8.0')).toBe('Moodle 3.10.1 runs on PHP 7.2 to 7.4, not 8.0');
    expect(phpProblem(parseRelease('5.1.0'), '8.4')).toBeUndefined();
    expect(phpProblem(parseRelease('5.1.0'), '8.5')).toBe('Moodle 5.1.0 runs on PHP 8.2 to 8.4, not 8.5');
    expect(phpProblem(parseRelease('4.5.3'), '10.0')).toBe('Moodle 4.5.3 runs on PHP 8.1 to 8.3, not 10.0');
    expect(phpProblem(parseRelease('4.5.3'), '8.10')).toBe('Moodle 4.5.3 runs on PHP 8.1 to 8.3, not 8.10');
  });
});
