// destroy-instance: preview_link (+ platform, optional settings) → what exists of the site → remove
// it in a safe order, data only with purge-data and confirm → outputs + a summary of every resource.
// Two stages, for a fast start: this file reads and checks the inputs and the files and checks the
// credentials with the STS client alone; the engine (./engine.ts, a chunk with the other SDK clients)
// is loaded after that first call.
import {
  booleanInput,
  checkCredentialsFirst,
  checkDestroyInputs,
  choiceInput,
  ConfigurationError,
  findPlatformFile,
  integerInput,
  loadPlatformFile,
  loadSite,
  optionalInput,
  planSite,
  PLATFORM_ENV,
  runAction,
  runner as core,
  SettingsError,
  type Platform,
  type SitePlan,
} from '@moodle-preview/core';

export const INPUTS = {
  previewLink: 'preview-link',
  branch: 'branch',
  repository: 'repository',
  settings: 'settings',
  platform: 'platform',
  purgeData: 'purge-data',
  confirm: 'confirm',
  dryRun: 'dry-run',
  wait: 'wait',
  waitMinutes: 'wait-minutes',
  dbAccess: 'db-access',
  githubToken: 'github-token',
} as const;

export const OUTPUTS = {
  previewLink: 'preview-link',
  removed: 'removed',
  kept: 'kept',
  changed: 'changed',
} as const;

export interface Inputs {
  /** The site, named; or found by the branch that deployed it. */
  previewLink: string | undefined;
  branch: { name: string; repository: string } | undefined;
  settings: string | undefined;
  platform: string | undefined;
  purgeData: boolean;
  confirm: string | undefined;
  dryRun: boolean;
  wait: boolean;
  waitMinutes: number;
  dbAccess: 'task' | 'direct';
  githubToken: string | undefined;
}

export function getInputs(): Inputs {
  const previewLink = optionalInput(INPUTS.previewLink);
  const branchName = optionalInput(INPUTS.branch);
  if (previewLink && branchName)
    throw new ConfigurationError(
      `inputs ${INPUTS.previewLink} and ${INPUTS.branch} name the site two ways: give one of them`,
    );
  if (!previewLink && !branchName)
    throw new ConfigurationError(
      `input ${INPUTS.previewLink} (the site to destroy) or ${INPUTS.branch} (the deleted branch whose site goes) is required`,
    );
  const repository = optionalInput(INPUTS.repository) ?? process.env.GITHUB_REPOSITORY;
  if (branchName && !repository)
    throw new ConfigurationError(
      `input ${INPUTS.repository} is required with ${INPUTS.branch} (or run in a workflow: GITHUB_REPOSITORY)`,
    );
  return {
    previewLink,
    branch: branchName ? { name: branchName, repository: repository! } : undefined,
    settings: optionalInput(INPUTS.settings),
    platform: optionalInput(INPUTS.platform),
    purgeData: booleanInput(INPUTS.purgeData, false),
    confirm: optionalInput(INPUTS.confirm),
    dryRun: booleanInput(INPUTS.dryRun, false),
    wait: booleanInput(INPUTS.wait, true),
    waitMinutes: integerInput(INPUTS.waitMinutes, 30, 1, 24 * 60),
    dbAccess: choiceInput(INPUTS.dbAccess, ['task', 'direct'] as const, 'task'),
    githubToken: optionalInput(INPUTS.githubToken),
  };
}

/** The platform file: the input, else $MDL_PREVIEW_PLATFORM, else the one found from the settings file. */
function platformFile(inputs: Inputs): string {
  if (inputs.settings) return findPlatformFile(inputs.settings, inputs.platform);
  const file = inputs.platform ?? process.env[PLATFORM_ENV];
  if (!file)
    throw new ConfigurationError(
      `input ${INPUTS.platform} is required when ${INPUTS.settings} is not given (or set ${PLATFORM_ENV})`,
    );
  return file;
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const file = platformFile(inputs);
    let plan: SitePlan | undefined;
    let platform: Platform;
    if (inputs.settings) {
      const loaded = await loadSite(inputs.settings, file);
      plan = planSite(loaded.site, loaded.platform);
      platform = loaded.platform;
    } else {
      const loaded = await loadPlatformFile(file);
      if (!loaded.value) throw new SettingsError(loaded.problems);
      platform = loaded.value;
    }
    // A site named by a branch is checked once the registry has named it (in the engine).
    if (inputs.previewLink)
      checkDestroyInputs({
        previewLink: inputs.previewLink,
        purgeData: inputs.purgeData,
        confirm: inputs.confirm,
        plan,
      });
    await checkCredentialsFirst({ region: platform.region });
    const engine = await import('./engine.js');
    await engine.destroy(inputs, platform, plan);
  });
}
