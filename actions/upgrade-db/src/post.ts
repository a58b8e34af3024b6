// The post step (runs also when the job is cancelled): a task the main step started and did not see
// stop — the job was cancelled or timed out mid-wait — is stopped, so an upgrade never runs on
// unattended. It never fails the job: it warns.
import { runner as core } from '@moodle-preview/core';
import { describeError, resumeCron, SiteRegistry, stopTask } from '@moodle-preview/core';
import { destroyClients, upgradeClients } from './clients.js';
import { credentialsFor } from './credentials.js';
import { STATE } from './constants.js';

export async function post(): Promise<void> {
  const taskArn = core.getState(STATE.taskArn);
  const pausedSite = core.getState(STATE.cronPausedSite);
  if (!taskArn && !pausedSite) return;
  const region = core.getState(STATE.region);
  const cluster = core.getState(STATE.cluster);
  const role = core.getState(STATE.roleToAssume);
  const clients = upgradeClients(
    region,
    credentialsFor(
      region,
      role
        ? {
            roleToAssume: role,
            durationSeconds: 900,
            audience: core.getState(STATE.audience) || 'sts.amazonaws.com',
          }
        : undefined,
    ),
  );
  try {
    if (taskArn) await stopLeftTask(clients, cluster, taskArn);
    // The main step paused cron on the site and did not get to resume it (cancelled, or its resume failed).
    if (pausedSite) {
      try {
        const r = await resumeCron(
          new SiteRegistry(clients.ssm),
          pausedSite,
          core.getState(STATE.cronPausedBy),
        );
        core.info(`cron on ${pausedSite}: ${r.result}`);
      } catch (err) {
        core.warning(
          `could not resume cron on ${pausedSite}: ${describeError(err)}; run mdl-preview cron resume ${pausedSite}`,
        );
      }
    }
  } finally {
    destroyClients(clients);
  }
}

async function stopLeftTask(
  clients: ReturnType<typeof upgradeClients>,
  cluster: string,
  taskArn: string,
): Promise<void> {
  try {
    const stopped = await stopTask(clients.ecs, cluster, taskArn, 'the GitHub job was cancelled or ended');
    if (stopped)
      core.warning(
        `stopped ${taskArn} (${core.getState(STATE.purpose) || 'a task'}), still running when the job ended` +
          (core.getState(STATE.purpose).startsWith('upgrade')
            ? '; the site may be left in maintenance mode: run admin/cli/maintenance.php --disable after checking the database'
            : ''),
      );
    else core.info(`${taskArn} has stopped; nothing to clean up`);
  } catch (err) {
    core.warning(`could not check or stop ${taskArn}: ${(err as Error).message}`);
  }
}
