// validate-settings: settings.yml + platform file → problems as annotations, or the plan as output.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as core from '@actions/core';
import {
  SettingsError,
  findPlatformFile,
  formatProblem,
  loadSite,
  planSite,
  renderPlan,
  applyOrder,
  type SitePlan,
} from '@moodle-preview/core';

export const INPUTS = { settings: 'settings', platform: 'platform' } as const;
export const OUTPUTS = { previewLink: 'preview-link', url: 'url', planFile: 'plan-file' } as const;

export interface Inputs {
  settings: string;
  platform: string | undefined;
}

export function getInputs(): Inputs {
  return {
    settings: core.getInput(INPUTS.settings) || 'settings.yml',
    platform: core.getInput(INPUTS.platform) || undefined,
  };
}

function summaryRows(plan: SitePlan): { data: string }[][] {
  return applyOrder(plan).map((id) => [{ data: id }, { data: plan.resources[id].name }]);
}

export async function run(): Promise<void> {
  try {
    const inputs = getInputs();
    const platformFile = findPlatformFile(inputs.settings, inputs.platform);
    const { site, platform } = await loadSite(inputs.settings, platformFile);
    const plan = planSite(site, platform);
    await core.group('Plan', async () => core.info(renderPlan(plan)));
    const planFile = path.join(process.env.RUNNER_TEMP || process.cwd(), `plan-${plan.site}.json`);
    await writeFile(planFile, `${JSON.stringify(plan, null, 2)}\n`);
    core.setOutput(OUTPUTS.previewLink, plan.site);
    core.setOutput(OUTPUTS.url, plan.url);
    core.setOutput(OUTPUTS.planFile, planFile);
    await core.summary
      .addHeading(`Plan for ${plan.site}`, 3)
      .addRaw(`<p>${plan.url}</p>`)
      .addTable([
        [
          { data: 'resource', header: true },
          { data: 'name', header: true },
        ],
        ...summaryRows(plan),
      ])
      .write();
  } catch (err) {
    if (err instanceof SettingsError) {
      for (const p of err.problems) {
        core.error(p.message, {
          title: p.key || 'settings',
          file: p.file,
          startLine: p.line,
          startColumn: p.column,
        });
      }
      await core.summary
        .addHeading('Settings problems', 3)
        .addList(err.problems.map((p) => formatProblem(p)))
        .write();
      core.setFailed(`${err.problems.length} problem(s) in the settings; each is annotated at its line`);
    } else {
      core.setFailed(err instanceof Error ? err.message : String(err));
    }
  }
}
