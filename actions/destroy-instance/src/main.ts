// destroy-instance: preview_link (+ platform, optional settings) → what exists of the site → remove
// it in a safe order, data only with purge-data and confirm → outputs + a summary of every resource.
import { runner as core } from '@moodle-preview/core';
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
  SiteRegistry,
  siteOfBranch,
  SettingsError,
  type SitePlan,
  deactivateSiteEnvironment,
  previewEnvironment,
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
      let previewLink = inputs.previewLink;
      if (inputs.branch) {
        const found = siteOfBranch(
          await new SiteRegistry(clients.ssm).list(),
          inputs.branch.repository,
          inputs.branch.name,
        );
        log.info(found.previewLink ? `destroying ${found.previewLink}: ${found.note}` : found.note);
        if (!found.previewLink) {
          core.setOutput(OUTPUTS.previewLink, '');
          core.setOutput(OUTPUTS.removed, '0');
          core.setOutput(OUTPUTS.kept, '[]');
          core.setOutput(OUTPUTS.changed, 'false');
          await core.summary.addHeading('destroy', 3).addRaw(`<p>${found.note}</p>`).write();
          return;
        }
        previewLink = found.previewLink;
      }
      const result = await destroySite({
        clients,
        platform,
        previewLink: previewLink!,
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
      // The site's GitHub environment no longer links to a site that is gone.
      const environment = await deactivateSiteEnvironment({
        token: inputs.githubToken,
        env: process.env,
        previewLink: result.previewLink,
        dryRun: inputs.dryRun,
        log,
      });
      core.setOutput(OUTPUTS.previewLink, result.previewLink);
      core.setOutput(OUTPUTS.removed, String(result.removed));
      core.setOutput(OUTPUTS.kept, JSON.stringify(result.kept));
      core.setOutput(OUTPUTS.changed, String(result.changed));
      await core.summary
        .addHeading(`${inputs.dryRun ? 'Dry run of ' : ''}destroy of ${result.previewLink}`, 3)
        .addRaw(`<p>${destroyVerdict(result)}</p>`)
        .addRaw(
          environment
            ? `<p>GitHub environment ${previewEnvironment(result.previewLink)}: ${environment.deactivated.length} deployment(s) ${inputs.dryRun ? 'would be ' : ''}marked inactive</p>`
            : '',
        )
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
