// upgrade-db: preview_link + target release → version read in the VPC → planned hops → maintenance
// on → upgrade.php per hop, its log streamed here → maintenance off → purge caches → outputs and a
// summary. Every task's ARN goes to GITHUB_STATE as it starts, for the post step of a cancelled job.
import { runner as core } from '@moodle-preview/core';
import {
  ConfigurationError,
  PLATFORM_ENV,
  SettingsError,
  UpgradeFailedError,
  actionLogger,
  applySiteConfig,
  booleanInput,
  checkPreviewLink,
  choiceInput,
  integerInput,
  loadConfigFile,
  loadPlatformFile,
  optionalInput,
  parseImagesTable,
  parseRelease,
  purgeSiteCaches,
  releaseText,
  runAction,
  upgradeSite,
  type ApplyConfigResult,
  type ConfigItem,
  describeError,
  describePause,
  pauseCron,
  resumeCron,
  SiteRegistry,
  type HopImage,
  type MoodleRelease,
  type UpgradeResult,
} from '@moodle-preview/core';
import { credentialsFor, destroyClients, upgradeClients, type RoleOptions } from './clients.js';
import { INPUTS, OUTPUTS, STATE } from './constants.js';

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

function setUpgradeOutputs(r: UpgradeResult): void {
  core.setOutput(OUTPUTS.fromVersion, releaseText(r.from));
  core.setOutput(OUTPUTS.toVersion, r.to ? releaseText(r.to) : '');
  core.setOutput(OUTPUTS.exitCode, String(r.exitCode));
  core.setOutput(OUTPUTS.taskArn, r.taskArn ?? '');
  core.setOutput(OUTPUTS.durationSeconds, String(Math.round(r.durationMs / 1000)));
  core.setOutput(
    OUTPUTS.hops,
    JSON.stringify(
      r.plan.hops.map((h) => ({
        from: releaseText(h.from),
        to: releaseText(h.to),
        image: h.image,
        php: h.php,
      })),
    ),
  );
}

async function upgradeSummary(link: string, r: UpgradeResult, failure?: string): Promise<void> {
  const s = core.summary
    .addHeading(
      `Upgrade of ${link}: Moodle ${r.from.release} → ${r.to?.release ?? (failure ? 'failed' : r.pending ? '?' : 'nothing pending')}`,
      3,
    )
    .addTable([
      ['hop', 'from', 'to', 'image', 'PHP'].map((data) => ({ data, header: true })),
      ...r.plan.hops.map((h, i) => [
        { data: String(i + 1) },
        { data: releaseText(h.from) },
        { data: releaseText(h.to) },
        { data: h.image },
        { data: h.php },
      ]),
    ])
    .addTable([
      ['step', 'task', 'result', 'seconds'].map((data) => ({ data, header: true })),
      ...r.steps.map((st) => [
        { data: st.purpose },
        { data: st.taskArn.split('/').pop() ?? '' },
        { data: st.result },
        { data: String(st.seconds) },
      ]),
    ]);
  if (failure) s.addRaw(`<p><b>Failed:</b> ${failure}</p>`);
  await s.write();
}

const html = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

async function configSummary(link: string, r: ApplyConfigResult): Promise<void> {
  await core.summary
    .addHeading(
      `Config of ${link}: ${r.applied.filter((a) => a.status === 'set').length} of ${r.applied.length} set`,
      3,
    )
    .addTable([
      ['component', 'name', 'value', 'result'].map((data) => ({ data, header: true })),
      ...r.applied.map((a) => [
        { data: a.item.component ?? 'core' },
        { data: a.item.name },
        { data: html(a.item.value) },
        { data: a.status },
      ]),
    ])
    .write();
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
    const log = actionLogger();
    const clients = upgradeClients(platform.region, credentialsFor(platform.region, inputs.role));
    core.saveState(STATE.region, platform.region);
    core.saveState(STATE.cluster, platform.cluster);
    if (inputs.role) {
      core.saveState(STATE.roleToAssume, inputs.role.roleToAssume);
      core.saveState(STATE.audience, inputs.role.audience);
    }
    const onTaskStarted = (taskArn: string, purpose: string) => {
      core.saveState(STATE.taskArn, taskArn);
      core.saveState(STATE.purpose, purpose);
      core.info(`started ${taskArn} (${purpose})`);
    };
    const common = {
      clients,
      platform,
      previewLink: inputs.previewLink,
      maxWaitMs: inputs.waitMinutes * 60_000,
      pollMs: Math.round(inputs.pollSeconds * 1000),
      log,
      onTaskStarted,
    };
    try {
      if (inputs.mode === 'apply-config') {
        try {
          const r = await applySiteConfig({ ...common, items: inputs.config! });
          core.setOutput(OUTPUTS.applied, String(r.applied.filter((a) => a.status === 'set').length));
          core.setOutput(OUTPUTS.exitCode, String(r.exitCode ?? -1));
          core.setOutput(OUTPUTS.taskArn, r.taskArn);
          await configSummary(inputs.previewLink, r);
        } catch (err) {
          const partial = (err as { result?: ApplyConfigResult }).result;
          if (partial) {
            core.setOutput(OUTPUTS.applied, String(partial.applied.filter((a) => a.status === 'set').length));
            core.setOutput(OUTPUTS.exitCode, String(partial.exitCode ?? -1));
            core.setOutput(OUTPUTS.taskArn, partial.taskArn);
            await configSummary(inputs.previewLink, partial);
          }
          throw err;
        }
        return;
      }
      if (inputs.mode === 'purge-caches') {
        const r = await purgeSiteCaches(common);
        core.setOutput(OUTPUTS.exitCode, String(r.exitCode ?? -1));
        core.setOutput(OUTPUTS.taskArn, r.taskArn);
        core.setOutput(OUTPUTS.durationSeconds, String(Math.round(r.durationMs / 1000)));
        return;
      }
      // Cron would run cron.php into a site in maintenance with an upgrade pending: it is paused on the
      // site for the run, and resumed after it — also when it fails; the post step resumes it when
      // the job is cancelled. A pause made by hand is left as it is (and stays).
      const registry = new SiteRegistry(clients.ssm);
      const pausedBy = `upgrade-db (run ${process.env.GITHUB_RUN_ID ?? 'local'})`;
      const pause = inputs.dryRun
        ? undefined
        : await pauseCron(registry, inputs.previewLink, {
            reason: `upgrade to ${releaseText(inputs.toRelease!)} under way`,
            by: pausedBy,
          });
      if (pause?.result === 'paused') {
        core.saveState(STATE.cronPausedSite, inputs.previewLink);
        core.saveState(STATE.cronPausedBy, pausedBy);
        log.info(`cron paused on ${inputs.previewLink} for the upgrade`);
      } else if (pause?.result === 'already paused')
        log.info(`cron on ${inputs.previewLink} stays paused: ${describePause(pause.paused!)}`);
      try {
        const r = await upgradeSite({
          ...common,
          target: {
            release: inputs.toRelease!,
            ...(inputs.image ? { image: inputs.image } : {}),
            ...(inputs.phpVersion ? { php: inputs.phpVersion } : {}),
          },
          images: inputs.images,
          allowUnstable: inputs.allowUnstable,
          checkPending: inputs.checkPending,
          maintenance: inputs.maintenance,
          purgeCaches: inputs.purgeCaches,
          dbAccess: inputs.dbAccess,
          tablePrefix: inputs.tablePrefix,
          dryRun: inputs.dryRun,
        });
        setUpgradeOutputs(r);
        await upgradeSummary(inputs.previewLink, r);
      } catch (err) {
        if (err instanceof UpgradeFailedError) {
          setUpgradeOutputs(err.result);
          await upgradeSummary(inputs.previewLink, err.result, err.message);
        }
        throw err;
      } finally {
        if (pause?.result === 'paused') {
          // A resume that fails must not hide how the upgrade ended: it warns, and the post step tries again.
          try {
            const resumed = await resumeCron(registry, inputs.previewLink, pausedBy);
            core.saveState(STATE.cronPausedSite, '');
            log.info(`cron on ${inputs.previewLink}: ${resumed.result}`);
          } catch (err) {
            core.warning(`could not resume cron on ${inputs.previewLink}: ${describeError(err)}`);
          }
        }
      }
    } finally {
      destroyClients(clients);
    }
  });
}
