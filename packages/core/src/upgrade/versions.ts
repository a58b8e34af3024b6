// Moodle releases, what each needs to upgrade from and which PHP it runs on, and the pure planner
// that turns "this database is at X, we want Y" into hops — each naming the full image holding that
// release's code — or a clear refusal before anything runs.
//
// Sources (checked 2026-11):
// - Upgrade paths, from the release notes' "Upgrading" sections, https://moodledev.io/general/releases/<x.y>
//   (4.2 and 4.3 need 3.11.8; 4.4 and 4.5 need 4.1.2; 5.0 needs 4.2.3) and the environment checks of
//   admin/environment.xml (MDL-78496 "Moodle 4.4 requirements": minimum PHP and minimum Moodle version).
// - PHP support, https://moodledev.io/general/development/policies/php ("PHP 8.0 with 3.11.8",
//   "PHP 8.1 with 4.1.2", "PHP 8.2 can be used with Moodle 4.2.3, Moodle 4.3 and later … the minimum
//   for Moodle 5.0", "PHP 8.3 with 4.4 and later", PHP 8.4 from 5.0 by MDL-80117) and each release's
//   "Server requirements", https://moodledev.io/docs/<x.y>/gettingstarted/requirements.
// - 5.1: the same minimum upgrade version and PHP range as 5.0 are assumed (not re-checked).
import { ConfigurationError } from '../errors.js';

/** A Moodle release as `major.minor` (the branch) and the point release within it. */
export interface MoodleRelease {
  branch: string;
  point: number;
}

export interface MoodleVersion extends MoodleRelease {
  /** `mdl_config.version`, e.g. `2021051718.00`. */
  version: string;
  /** `mdl_config.release`, e.g. `3.11.18 (Build: 20231211)`. */
  release: string;
}

interface BranchFacts {
  /** Leading date of `mdl_config.version` for the branch's .0 release (YYYYMMDD). */
  versionDate: string;
  /** The oldest release a database may be at to upgrade straight to this branch. */
  upgradeFrom: MoodleRelease;
  /** Lowest and highest PHP; `maxSincePoint`: the highest is supported from that point release on. */
  php: { min: string; max: string; maxSincePoint?: number; before?: string };
}

/** Branches in release order. */
export const BRANCHES: Readonly<Record<string, BranchFacts>> = {
  '3.9': {
    versionDate: '20200615',
    upgradeFrom: { branch: '3.5', point: 0 },
    php: { min: '7.2', max: '7.4' },
  },
  '3.10': {
    versionDate: '20201109',
    upgradeFrom: { branch: '3.5', point: 0 },
    php: { min: '7.2', max: '7.4' },
  },
  '3.11': {
    versionDate: '20210517',
    upgradeFrom: { branch: '3.6', point: 0 },
    php: { min: '7.3', max: '8.0', maxSincePoint: 8, before: '7.4' },
  },
  '4.0': {
    versionDate: '20220419',
    upgradeFrom: { branch: '3.6', point: 0 },
    php: { min: '7.3', max: '8.0' },
  },
  '4.1': {
    versionDate: '20221128',
    upgradeFrom: { branch: '3.9', point: 0 },
    php: { min: '7.4', max: '8.1', maxSincePoint: 2, before: '8.0' },
  },
  '4.2': {
    versionDate: '20230424',
    upgradeFrom: { branch: '3.11', point: 8 },
    php: { min: '8.0', max: '8.2', maxSincePoint: 3, before: '8.1' },
  },
  '4.3': {
    versionDate: '20231009',
    upgradeFrom: { branch: '3.11', point: 8 },
    php: { min: '8.0', max: '8.2' },
  },
  '4.4': {
    versionDate: '20240422',
    upgradeFrom: { branch: '4.1', point: 2 },
    php: { min: '8.1', max: '8.3' },
  },
  '4.5': {
    versionDate: '20241007',
    upgradeFrom: { branch: '4.1', point: 2 },
    php: { min: '8.1', max: '8.3' },
  },
  '5.0': {
    versionDate: '20250414',
    upgradeFrom: { branch: '4.2', point: 3 },
    php: { min: '8.2', max: '8.4' },
  },
  '5.1': {
    versionDate: '20251006',
    upgradeFrom: { branch: '4.2', point: 3 },
    php: { min: '8.2', max: '8.4' },
  },
};

const ORDER = Object.keys(BRANCHES);

function branchIndex(branch: string): number {
  const i = ORDER.indexOf(branch);
  if (i < 0)
    throw new ConfigurationError(
      `Moodle ${branch} is not a release this planner knows (known: ${ORDER.join(', ')})`,
    );
  return i;
}

/** -1, 0 or 1 as a is older than, the same as, or newer than b. */
export function compareReleases(a: MoodleRelease, b: MoodleRelease): number {
  const [am = 0, an = 0] = a.branch.split('.').map(Number);
  const [bm = 0, bn = 0] = b.branch.split('.').map(Number);
  const d = am !== bm ? am - bm : an - bn;
  if (d !== 0) return Math.sign(d);
  return Math.sign(a.point - b.point);
}

export const releaseText = (r: MoodleRelease) => `${r.branch}.${r.point}`;

/** `4.5`, `4.5.3`, `4.5.3+`, `3.11.18 (Build: 20231211)` → branch and point. */
export function parseRelease(text: string): MoodleRelease {
  const m = /^\s*(\d+)\.(\d+)(?:\.(\d+))?\+?(?:\s|$|\()/.exec(`${text} `);
  if (!m) throw new ConfigurationError(`"${text}" is not a Moodle release such as 4.5 or 4.5.3`);
  const branch = `${Number(m[1])}.${Number(m[2])}`;
  branchIndex(branch);
  return { branch, point: m[3] === undefined ? 0 : Number(m[3]) };
}

/**
 * The branch and point of `mdl_config` values. The release string names them; the version number
 * must agree (its first 8 digits are the branch's .0 date, the next two the point release), which
 * catches a hand-edited or half-upgraded config.
 */
export function moodleVersion(version: string, release: string): MoodleVersion {
  const parsed = parseRelease(release);
  const m = /^(\d{8})(\d{2})(\.\d+)?$/.exec(version.trim());
  if (!m) throw new Error(`mdl_config.version "${version}" is not a Moodle version number (YYYYMMDDXX.XX)`);
  const facts = BRANCHES[parsed.branch]!;
  if (m[1] !== facts.versionDate)
    throw new Error(
      `mdl_config.version ${version} does not belong to release ${release} (Moodle ${parsed.branch} versions start with ${facts.versionDate})`,
    );
  return { ...parsed, point: Number(m[2]), version: version.trim(), release: release.trim() };
}

const phpNumber = (v: string) => {
  const m = /^(\d+)\.(\d+)$/.exec(v.trim());
  if (!m) throw new ConfigurationError(`"${v}" is not a PHP version such as 8.1`);
  return Number(m[1]) * 100 + Number(m[2]);
};

/** Why `php` cannot run `release`, or undefined when it can. */
export function phpProblem(release: MoodleRelease, php: string): string | undefined {
  const { min, max, maxSincePoint, before } = BRANCHES[release.branch]!.php;
  const highest = maxSincePoint !== undefined && release.point < maxSincePoint ? before! : max;
  const p = phpNumber(php);
  if (p < phpNumber(min) || p > phpNumber(highest))
    return `Moodle ${releaseText(release)} runs on PHP ${min} to ${highest}, not ${php}`;
  return undefined;
}

/** One image the planner may use: a full image holding exactly this release's code. */
export interface HopImage {
  /** The release the image's code is, e.g. 4.1.12. */
  release: MoodleRelease;
  image: string;
  php: string;
}

export interface UpgradeHop {
  from: MoodleRelease;
  to: MoodleRelease;
  image: string;
  php: string;
}

export interface UpgradePlan {
  from: MoodleRelease;
  to: MoodleRelease;
  hops: UpgradeHop[];
}

/**
 * Plans the upgrade from `from` to `target` (the last image, the code to end on). Direct when
 * `target` accepts `from`; otherwise through the newest intermediate image that accepts where the
 * database is at each step (fewest hops). Throws a ConfigurationError naming what is missing.
 */
export function planUpgrade(from: MoodleRelease, target: HopImage, images: readonly HopImage[]): UpgradePlan {
  const problems: string[] = [];
  if (compareReleases(from, target.release) > 0)
    throw new ConfigurationError(
      `the database is at Moodle ${releaseText(from)}, newer than the target ${releaseText(target.release)}: Moodle cannot downgrade`,
    );
  const hops: UpgradeHop[] = [];
  let at = from;
  const accepts = (img: HopImage, r: MoodleRelease) =>
    compareReleases(r, BRANCHES[img.release.branch]!.upgradeFrom) >= 0;
  while (compareReleases(at, target.release) < 0) {
    let next: HopImage | undefined;
    if (accepts(target, at)) next = target;
    else {
      next = images
        .filter(
          (i) =>
            compareReleases(i.release, at) > 0 &&
            compareReleases(i.release, target.release) < 0 &&
            accepts(i, at),
        )
        .sort((a, b) => compareReleases(b.release, a.release))[0];
    }
    if (!next) {
      const needs = BRANCHES[target.release.branch]!.upgradeFrom;
      const known = images.map((i) => releaseText(i.release)).join(', ') || 'none';
      throw new ConfigurationError(
        `no upgrade path from Moodle ${releaseText(at)} to ${releaseText(target.release)}: ` +
          `${target.release.branch} needs ${releaseText(needs)} or later, and no image in the images table ` +
          `(${known}) can be upgraded to from ${releaseText(at)}. Add a full image of an intermediate release ` +
          `(e.g. ${needs.branch}.x, which accepts ${releaseText(BRANCHES[needs.branch]!.upgradeFrom)} or later)`,
      );
    }
    hops.push({ from: at, to: next.release, image: next.image, php: next.php });
    at = next.release;
  }
  if (hops.length === 0 && compareReleases(from, target.release) === 0)
    hops.push({ from, to: target.release, image: target.image, php: target.php });
  for (const h of hops) {
    const p = phpProblem(h.to, h.php);
    if (p) problems.push(`${p} (image ${h.image})`);
  }
  if (problems.length)
    throw new ConfigurationError(`the upgrade plan cannot run:\n- ${problems.join('\n- ')}`);
  return { from, to: target.release, hops };
}
