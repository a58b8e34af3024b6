// destroy-instance's second stage, loaded (a chunk of its own) after main.ts has checked the inputs
// and the credentials: the engine and its AWS clients, then the outputs and the summary.
import {
  actionLogger,
  createAwsClients,
  deactivateSiteEnvironment,
  destroyAwsClients,
  destroyRows,
  destroySite,
  destroyVerdict,
  oneOffTaskRunner,
  previewEnvironment,
  renderDestroyResult,
  runner as core,
  SiteRegistry,
  siteOfBranch,
  type Platform,
  type SitePlan,
} from '@moodle-preview/core';
import { OUTPUTS, type Inputs } from './main.js';

export async function destroy(inputs: Inputs, platform: Platform, plan: SitePlan | undefined): Promise<void> {
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
      credentialsChecked: true,
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
}
