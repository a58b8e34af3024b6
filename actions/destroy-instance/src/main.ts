// destroy-instance: preview_link (+ platform, optional settings) → what exists of the site → remove
// it in a safe order, data only with purge-data and confirm → outputs + a summary of every resource.
import * as core from '@actions/core';
import {
  ConfigurationError,
  PLATFORM_ENV,
  actionLogger,
  booleanInput,
  choiceInput,
  createAwsClients,
  destroyAwsClients,
  destroyRows,
  destroySite,
  destroyVerdict,
  findPlatformFile,
  integerInput,
  loadPlatformFile,
  loadSite,
  oneOffTaskRunner,
  optionalInput,
  planSite,
  renderDestroyResult,
  runAction,
  SettingsError,
  type SitePlan,
} from '@moodle-preview/core';

export const INPUTS = {
  previewLink: 'preview-link',
  settings: 'settings',
  platform: 'platform',
  purgeData: 'purge-data',
  confirm: 'confirm',
  dryRun: 'dry-run',
  wait: 'wait',
  waitMinutes: 'wait-minutes',
  dbAccess: 'db-access',
} as const;

export const OUTPUTS = {
  removed: 'removed',
  kept: 'kept',
  changed: 'changed',
} as const;

export interface Inputs {
  previewLink: string;
  settings: string | undefined;
  platform: string | undefined;
  purgeData: boolean;
  confirm: string | undefined;
  dryRun: boolean;
  wait: boolean;
  waitMinutes: number;
  dbAccess: 'task' | 'direct';
}

export function getInputs(): Inputs {
  const previewLink = optionalInput(INPUTS.previewLink);
  if (!previewLink)
    throw new ConfigurationError(`input ${INPUTS.previewLink} is required: the site to destroy`);
  return {
    previewLink,
    settings: optionalInput(INPUTS.settings),
    platform: optionalInput(INPUTS.platform),
    purgeData: booleanInput(INPUTS.purgeData, false),
    confirm: optionalInput(INPUTS.confirm),
    dryRun: booleanInput(INPUTS.dryRun, false),
    wait: booleanInput(INPUTS.wait, true),
    waitMinutes: integerInput(INPUTS.waitMinutes, 30, 1, 24 * 60),
    dbAccess: choiceInput(INPUTS.dbAccess, ['task', 'direct'] as const, 'task'),
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
    const file = platformFile(inputs);
    let plan: SitePlan | undefined;
    let platform;
    if (inputs.settings) {
      const loaded = await loadSite(inputs.settings, file);
      plan = planSite(loaded.site, loaded.platform);
      platform = loaded.platform;
    } else {
      const loaded = await loadPlatformFile(file);
      if (!loaded.value) throw new SettingsError(loaded.problems);
      platform = loaded.value;
    }
    const log = actionLogger();
    const clients = createAwsClients({ region: platform.region });
    try {
      const result = await destroySite({
        clients,
        platform,
        previewLink: inputs.previewLink,
        ...(plan ? { plan } : {}),
        log,
        purgeData: inputs.purgeData,
        ...(inputs.confirm !== undefined ? { confirm: inputs.confirm } : {}),
        dryRun: inputs.dryRun,
        wait: inputs.wait,
        waitMinutes: inputs.waitMinutes,
        dbAccess: inputs.dbAccess,
        tasks: oneOffTaskRunner(clients),
        actor: process.env.GITHUB_ACTOR ?? 'github-actions',
      });
      core.info(renderDestroyResult(result));
      core.setOutput(OUTPUTS.removed, String(result.removed));
      core.setOutput(OUTPUTS.kept, JSON.stringify(result.kept));
      core.setOutput(OUTPUTS.changed, String(result.changed));
      await core.summary
        .addHeading(`${inputs.dryRun ? 'Dry run of ' : ''}destroy of ${result.previewLink}`, 3)
        .addRaw(`<p>${destroyVerdict(result)}</p>`)
        .addTable([
          ['resource', 'name', 'result', 'note'].map((data) => ({ data, header: true })),
          ...destroyRows(result).map((r) => [
            { data: r.resource },
            { data: r.name },
            { data: r.result },
            { data: r.note },
          ]),
        ])
        .write();
    } finally {
      destroyAwsClients(clients);
    }
  });
}
