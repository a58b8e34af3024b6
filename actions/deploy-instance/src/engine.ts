// deploy-instance's second stage, loaded (a chunk of its own) while main.ts checks the credentials:
// the engine and its AWS clients, then the outputs, the summary and the pull request's comment.
import { readFileSync } from 'node:fs';
import {
  actionLogger,
  commentMarker,
  commentOnEventPullRequest,
  createAwsClients,
  dbProvisioner,
  deploySite,
  describeEstimate,
  destroyAwsClients,
  oneOffTaskRunner,
  planComment,
  renderResult,
  resultRows,
  rollbackSite,
  runner as core,
  workflowSource,
  type Platform,
  type SitePlan,
} from '@moodle-preview/core';
import { OUTPUTS, type Inputs } from './main.js';

export async function apply(inputs: Inputs, plan: SitePlan, platform: Platform): Promise<void> {
  const log = actionLogger();
  const clients = createAwsClients({ region: platform.region });
  try {
    if (inputs.rollback) {
      const r = await rollbackSite({
        clients,
        platform,
        previewLink: plan.site,
        to: inputs.rollbackTo,
        log,
        wait: inputs.wait,
        waitMinutes: inputs.waitMinutes,
      });
      core.setOutput(OUTPUTS.url, plan.url);
      core.setOutput(OUTPUTS.changed, String(r.changed));
      core.setOutput(OUTPUTS.taskDefinitionArn, r.to);
      core.setOutput(OUTPUTS.deploymentId, r.deploymentId ?? '');
      await core.summary
        .addHeading(`Rollback of ${plan.site}`, 3)
        .addRaw(
          `<p>${r.service}: ${r.from.split('/').pop()} → ${r.to.split('/').pop()}${r.changed ? '' : ' (already there)'}</p>`,
        )
        .write();
      return;
    }
    const tasks = oneOffTaskRunner(clients);
    // Recorded in the registry: a deleted branch's destroy finds its site by it.
    const source = workflowSource();
    const result = await deploySite({
      clients,
      plan,
      platform,
      log,
      db: dbProvisioner(inputs.dbAccess, { clients, plan, platform, log, tasks }),
      tasks,
      dryRun: inputs.dryRun,
      wait: inputs.wait,
      waitMinutes: inputs.waitMinutes,
      takeover: inputs.takeover,
      actor: process.env.GITHUB_ACTOR ?? 'github-actions',
      ...(source ? { source } : {}),
    });
    core.info(renderResult(result));
    core.setOutput(OUTPUTS.url, plan.url);
    core.setOutput(OUTPUTS.changed, String(result.changed));
    core.setOutput(OUTPUTS.serviceArn, result.arns.service ?? '');
    core.setOutput(OUTPUTS.taskDefinitionArn, result.arns.taskDefinition ?? '');
    core.setOutput(OUTPUTS.targetGroupArn, result.arns.targetGroup ?? '');
    core.setOutput(OUTPUTS.listenerRuleArn, result.arns.listenerRule ?? '');
    core.setOutput(OUTPUTS.deploymentId, result.deploymentId ?? '');
    await core.summary
      .addHeading(`${inputs.dryRun ? 'Dry run of ' : ''}deploy of ${plan.site}`, 3)
      .addRaw(
        `<p><a href="${plan.url}">${plan.url}</a> — ${result.changed ? (inputs.dryRun ? 'changes pending' : 'changed') : 'nothing to change'}</p>`,
      )
      .addRaw(`<p>Estimated Fargate cost: ${describeEstimate(plan.estimate)}</p>`)
      .addTable([
        ['resource', 'name', 'result', 'changes'].map((data) => ({ data, header: true })),
        ...resultRows(result).map((r) => [
          { data: r.resource },
          { data: r.name },
          { data: r.result },
          { data: r.changes },
        ]),
      ])
      .write();
    // On a pull request, the dry run is one comment that every push edits.
    if (inputs.dryRun && inputs.prComment) {
      await commentOnEventPullRequest({
        token: inputs.githubToken,
        env: process.env,
        readFile: (path) => readFileSync(path, 'utf8'),
        marker: commentMarker('plan', plan.site),
        text: planComment(result, process.env.GITHUB_SHA?.slice(0, 7)),
        log,
      });
    }
  } finally {
    destroyAwsClients(clients);
  }
}
