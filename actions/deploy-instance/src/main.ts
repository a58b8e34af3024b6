// deploy-instance: settings.yml → plan → what exists → changes → apply → wait → outputs + summary.
import { readFileSync } from 'node:fs';
import { runner as core } from '@moodle-preview/core';
import {
  booleanInput,
  choiceInput,
  createAwsClients,
  deploySite,
  destroyAwsClients,
  findPlatformFile,
  integerInput,
  loadSite,
  oneOffTaskRunner,
  optionalInput,
  planSite,
  renderResult,
  describeEstimate,
  resultRows,
  runAction,
  actionLogger,
  dbProvisioner,
  rollbackSite,
  workflowSource,
  commentMarker,
  commentOnEventPullRequest,
  planComment,
} from '@moodle-preview/core';

export const INPUTS = {
  settings: 'settings',
  platform: 'platform',
  dryRun: 'dry-run',
  wait: 'wait',
  waitMinutes: 'wait-minutes',
  dbAccess: 'db-access',
  takeover: 'takeover',
  rollback: 'rollback',
  rollbackTo: 'rollback-to',
  githubToken: 'github-token',
  prComment: 'pr-comment',
} as const;

export const OUTPUTS = {
  url: 'url',
  serviceArn: 'service-arn',
  taskDefinitionArn: 'task-definition-arn',
  targetGroupArn: 'target-group-arn',
  listenerRuleArn: 'listener-rule-arn',
  changed: 'changed',
  deploymentId: 'deployment-id',
} as const;

export interface Inputs {
  settings: string;
  platform: string | undefined;
  dryRun: boolean;
  wait: boolean;
  waitMinutes: number;
  dbAccess: 'task' | 'direct';
  takeover: string | undefined;
  rollback: boolean;
  rollbackTo: string | undefined;
  githubToken: string | undefined;
  prComment: boolean;
}

export function getInputs(): Inputs {
  return {
    settings: optionalInput(INPUTS.settings) ?? 'settings.yml',
    platform: optionalInput(INPUTS.platform),
    dryRun: booleanInput(INPUTS.dryRun, false),
    wait: booleanInput(INPUTS.wait, true),
    waitMinutes: integerInput(INPUTS.waitMinutes, 30, 1, 24 * 60),
    dbAccess: choiceInput(INPUTS.dbAccess, ['task', 'direct'] as const, 'task'),
    takeover: optionalInput(INPUTS.takeover),
    rollback: booleanInput(INPUTS.rollback, false),
    rollbackTo: optionalInput(INPUTS.rollbackTo),
    githubToken: optionalInput(INPUTS.githubToken),
    prComment: booleanInput(INPUTS.prComment, true),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    if (inputs.githubToken) core.setSecret(inputs.githubToken);
    const { site, platform } = await loadSite(
      inputs.settings,
      findPlatformFile(inputs.settings, inputs.platform),
    );
    const plan = planSite(site, platform);
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
  });
}
