// upgrade-db's second stage, loaded (a chunk of its own) after main.ts has checked the inputs, the
// platform file and the credentials: the engine and its AWS clients, the outputs and the summaries.
import { runner as core } from '@moodle-preview/core';
import {
  UpgradeFailedError,
  actionLogger,
  applySiteConfig,
  purgeSiteCaches,
  releaseText,
  upgradeSite,
  type ApplyConfigResult,
  describeError,
  describePause,
  pauseCron,
  resumeCron,
  SiteRegistry,
  type UpgradeResult,
  type Platform,
} from '@moodle-preview/core';
import { destroyClients, upgradeClients } from './clients.js';
import { OUTPUTS, STATE } from './constants.js';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Inputs } from './main.js';

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

export async function upgrade(
  inputs: Inputs,
  platform: Platform,
  credentials: AwsCredentialIdentityProvider | undefined,
): Promise<void> {
  const log = actionLogger();
  const clients = upgradeClients(platform.region, credentials);
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
}
