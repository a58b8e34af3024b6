// deploy-instance: settings.yml → plan → what exists → changes → apply → wait → outputs + summary.
// Two stages, for a fast start: this file reads the inputs, the settings and the plan and checks the
// credentials (the first AWS call) with the STS client alone; the engine (./engine.ts, a chunk of its
// own with the other SDK clients) is loaded after that call.
import {
  booleanInput,
  checkCredentialsFirst,
  choiceInput,
  findPlatformFile,
  integerInput,
  loadSite,
  optionalInput,
  planSite,
  runAction,
  runner as core,
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
    await checkCredentialsFirst({ region: platform.region });
    const engine = await import('./engine.js');
    await engine.apply(inputs, plan, platform);
  });
}
