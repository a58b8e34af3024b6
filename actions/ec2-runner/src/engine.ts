// ec2-runner's second stage, loaded (a chunk of its own) after main.ts has checked the inputs and the
// credentials: the lease logic with its EC2, SSM and GitHub clients, the outputs and the summary.
import { runner as core } from '@moodle-preview/core';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  actionLogger,
  awsClientConfig,
  createEc2Client,
  GitHubRunnersClient,
  reapRunners,
  startRunner,
  stopRunner,
  type RunnerDeps,
  type RunnerScope,
} from '@moodle-preview/core';
import { OUTPUTS, type Inputs } from './main.js';

const cell = (data: string) => ({ data });
const header = (...names: string[]) => names.map((data) => ({ data, header: true }));

export async function runner(inputs: Inputs, scope: RunnerScope): Promise<void> {
  const log = actionLogger();
  const github = new GitHubRunnersClient({
    apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com',
    token: inputs.token,
    scope,
  });
  const ec2 = createEc2Client({ region: inputs.region });
  const ssm = new SSMClient(awsClientConfig({ region: inputs.region }));
  const deps: RunnerDeps = { ec2, ssm, github, log };
  try {
    if (inputs.mode === 'start') {
      const r = await log.group('start the runner', () =>
        startRunner(deps, {
          ...inputs.start!,
          region: inputs.region,
          repository: inputs.repository,
          lease: inputs.lease,
        }),
      );
      core.setOutput(OUTPUTS.label, r.label);
      core.setOutput(OUTPUTS.instanceId, r.instanceId);
      core.setOutput(OUTPUTS.region, r.region);
      await core.summary
        .addHeading(`Runner ${r.label}`, 3)
        .addRaw(
          `<p>${r.reused ? 'Kept' : 'Launched'} ${r.instanceId} (${r.market} ${r.instanceType} in ${r.subnetId}, ${r.region})` +
            `${r.replaced ? ` in place of ${r.replaced}, which ended before its runner came online` : ''}; runner online.</p>`,
        )
        .addTable([
          header('market', 'instance type', 'subnet', 'result'),
          ...r.attempts.map((a) => [
            cell(a.market),
            cell(a.instanceType),
            cell(a.subnetId),
            cell(a.error ? `${a.error}` : 'launched'),
          ]),
        ])
        .write();
    } else if (inputs.mode === 'stop') {
      const r = await log.group('stop the runner', () =>
        stopRunner(deps, { repository: inputs.repository, label: inputs.label, lease: inputs.lease }),
      );
      core.setOutput(OUTPUTS.label, inputs.label ?? r.labels.at(-1) ?? '');
      core.setOutput(OUTPUTS.region, inputs.region);
      core.setOutput(OUTPUTS.terminated, JSON.stringify(r.terminated));
      await core.summary
        .addHeading('Runner stopped', 3)
        .addList([
          `instances terminated: ${r.terminated.join(', ') || 'none (already gone)'}`,
          `runners removed: ${r.runnersRemoved.join(', ') || 'none (already gone)'}`,
          ...(r.runnersBusy.length
            ? [`runners still busy (they end with their instance): ${r.runnersBusy.join(', ')}`]
            : []),
          `unread JIT configs deleted: ${r.parametersDeleted.length}`,
        ])
        .write();
    } else {
      const r = await log.group(inputs.dryRun ? 'reap (dry run)' : 'reap', () =>
        reapRunners(deps, {
          repository: inputs.repository,
          graceMinutes: inputs.graceMinutes,
          dryRun: inputs.dryRun,
        }),
      );
      core.setOutput(OUTPUTS.terminated, JSON.stringify(r.terminated));
      core.setOutput(OUTPUTS.region, inputs.region);
      await core.summary
        .addHeading(inputs.dryRun ? 'Runner reaper (dry run: nothing changed)' : 'Runner reaper', 3)
        .addTable([
          header('kind', 'id', 'decision', 'reason'),
          ...r.decisions.map((d) => [
            cell(d.kind),
            cell(d.id),
            cell(inputs.dryRun && d.action !== 'keep' ? `would ${d.action}` : d.action),
            cell(d.reason),
          ]),
        ])
        .write();
    }
  } finally {
    ec2.destroy();
    ssm.destroy();
  }
}
