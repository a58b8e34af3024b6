// upgrade-db: preview_link + target release → version read in the VPC → planned hops → maintenance
// on → upgrade.php per hop, its log streamed here → maintenance off → purge caches → outputs and a
// summary. Every task's ARN goes to GITHUB_STATE as it starts, for the post step of a cancelled job.
// Two stages, for a fast start: this file reads and checks the inputs and the platform file and checks the
// credentials with the STS client alone; the engine (./engine.ts, a chunk with the other clients) is
// loaded after that first call.
import { runner as core } from '@moodle-preview/core';
import {
  ConfigurationError,
  PLATFORM_ENV,
  SettingsError,
  booleanInput,
  checkPreviewLink,
  choiceInput,
  integerInput,
  loadConfigFile,
  loadPlatformFile,
  optionalInput,
  parseImagesTable,
  parseRelease,
  runAction,
  type ConfigItem,
  type HopImage,
  type MoodleRelease,
  checkCredentialsFirst,
} from '@moodle-preview/core';
import { credentialsFor, type RoleOptions } from './credentials.js';
import { INPUTS, STATE } from './constants.js';

export interface Inputs {
  mode: 'upgrade' | 'apply-config' | 'purge-caches';
  previewLink: string;
  platform: string;
  toRelease: MoodleRelease | undefined;
  image: string | undefined;
  phpVersion: string | undefined;
  images: HopImage[];
  allowUnstable: boolean;
  checkPending: boolean;
  maintenance: boolean;
  purgeCaches: boolean;
  config: ConfigItem[] | undefined;
  dbAccess: 'task' | 'direct';
  tablePrefix: string;
  waitMinutes: number;
  pollSeconds: number;
  role: RoleOptions | undefined;
  dryRun: boolean;
}

/** A number of seconds, fractions allowed (tests poll every 0.1 s). */
function secondsInput(name: string, fallback: number): number {
  const v = optionalInput(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0.05 || n > 300)
    throw new ConfigurationError(`input ${name} must be a number of seconds from 0.05 to 300, got "${v}"`);
  return n;
}

/** Every input read and checked before any AWS call. */
export async function getInputs(): Promise<Inputs> {
  const mode = choiceInput(INPUTS.mode, ['upgrade', 'apply-config', 'purge-caches'] as const, 'upgrade');
  const previewLink = optionalInput(INPUTS.previewLink);
  if (!previewLink)
    throw new ConfigurationError(`input ${INPUTS.previewLink} is required: the site to work on`);
  checkPreviewLink(previewLink);
  const platform = optionalInput(INPUTS.platform) ?? process.env[PLATFORM_ENV];
  if (!platform)
    throw new ConfigurationError(`input ${INPUTS.platform} is required (or set ${PLATFORM_ENV})`);
  const toReleaseText = optionalInput(INPUTS.toRelease);
  if (mode === 'upgrade' && !toReleaseText)
    throw new ConfigurationError(`input ${INPUTS.toRelease} is required with mode upgrade (e.g. 4.5)`);
  const configFile = optionalInput(INPUTS.config);
  if (mode === 'apply-config' && !configFile)
    throw new ConfigurationError(
      `input ${INPUTS.config} is required with mode apply-config: the site's config file`,
    );
  const roleToAssume = optionalInput(INPUTS.roleToAssume);
  const waitMinutes = integerInput(INPUTS.waitMinutes, 360, 1, 7 * 24 * 60);
  return {
    mode,
    previewLink,
    platform,
    toRelease: toReleaseText ? parseRelease(toReleaseText) : undefined,
    image: optionalInput(INPUTS.image),
    phpVersion: optionalInput(INPUTS.phpVersion),
    images: parseImagesTable(optionalInput(INPUTS.images), INPUTS.images),
    allowUnstable: booleanInput(INPUTS.allowUnstable, false),
    checkPending: booleanInput(INPUTS.checkPending, true),
    maintenance: booleanInput(INPUTS.maintenance, true),
    purgeCaches: booleanInput(INPUTS.purgeCaches, true),
    config: mode === 'apply-config' ? await loadConfigFile(configFile!) : undefined,
    dbAccess: choiceInput(INPUTS.dbAccess, ['task', 'direct'] as const, 'task'),
    tablePrefix: optionalInput(INPUTS.tablePrefix) ?? 'mdl_',
    waitMinutes,
    pollSeconds: secondsInput(INPUTS.pollSeconds, 5),
    role: roleToAssume
      ? {
          roleToAssume,
          durationSeconds: integerInput(INPUTS.roleDurationSeconds, 3600, 900, 43200),
          audience: optionalInput(INPUTS.audience) ?? 'sts.amazonaws.com',
        }
      : undefined,
    dryRun: booleanInput(INPUTS.dryRun, false),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    core.saveState(STATE.isPost, 'true');
    const inputs = await getInputs();
    const loaded = await loadPlatformFile(inputs.platform);
    if (!loaded.value) throw new SettingsError(loaded.problems);
    const platform = loaded.value;
    if (!inputs.role && inputs.waitMinutes > 55)
      core.warning(
        `no ${INPUTS.roleToAssume}: the environment's AWS credentials are used as they are, and a role session from configure-aws-credentials lasts 1 hour by default — give ${INPUTS.roleToAssume} so they are refreshed during a long wait`,
      );
    const credentials = credentialsFor(platform.region, inputs.role);
    core.saveState(STATE.region, platform.region);
    core.saveState(STATE.cluster, platform.cluster);
    if (inputs.role) {
      core.saveState(STATE.roleToAssume, inputs.role.roleToAssume);
      core.saveState(STATE.audience, inputs.role.audience);
    }
    await checkCredentialsFirst({ region: platform.region, credentials });
    const engine = await import('./engine.js');
    await engine.upgrade(inputs, platform, credentials);
  });
}
