// validate-settings: settings.yml + platform file → problems as annotations, or the plan as output.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runner as core } from '@moodle-preview/core';
import {
  applyOrder,
  findPlatformFile,
  loadSite,
  optionalInput,
  planSite,
  previewEnvironment,
  renderPlan,
  runAction,
} from '@moodle-preview/core';

export const INPUTS = { settings: 'settings', platform: 'platform' } as const;
export const OUTPUTS = {
  previewLink: 'preview-link',
  url: 'url',
  environment: 'environment',
  planFile: 'plan-file',
} as const;

export interface Inputs {
  settings: string;
  platform: string | undefined;
}

export function getInputs(): Inputs {
  return {
    settings: optionalInput(INPUTS.settings) ?? 'settings.yml',
    platform: optionalInput(INPUTS.platform),
  };
}

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = getInputs();
    const { site, platform } = await loadSite(
      inputs.settings,
      findPlatformFile(inputs.settings, inputs.platform),
    );
    const plan = planSite(site, platform);
    await core.group('Plan', async () => core.info(renderPlan(plan)));
    const planFile = path.join(process.env.RUNNER_TEMP || process.cwd(), `plan-${plan.site}.json`);
    await writeFile(planFile, `${JSON.stringify(plan, null, 2)}\n`);
    core.setOutput(OUTPUTS.previewLink, plan.site);
    core.setOutput(OUTPUTS.url, plan.url);
    core.setOutput(OUTPUTS.environment, previewEnvironment(plan.site));
    core.setOutput(OUTPUTS.planFile, planFile);
    await core.summary
      .addHeading(`Plan for ${plan.site}`, 3)
      .addRaw(`<p>${plan.url}</p>`)
      .addTable([
        [
          { data: 'resource', header: true },
          { data: 'name', header: true },
        ],
        ...applyOrder(plan).map((id) => [{ data: id }, { data: plan.resources[id].name }]),
      ])
      .write();
  });
}
