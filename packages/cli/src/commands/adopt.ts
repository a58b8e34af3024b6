// mdl-preview adopt: take over a site that Terraform built. Reads and reports by default; --apply
// tags what was found as the suite's and writes the site registry entry, and changes nothing else.
import { parseArgs } from 'node:util';
import {
  AdoptionRefusedError,
  adoptSite,
  createAwsClients,
  destroyAwsClients,
  findPlatformFile,
  lineLogger,
  loadSite,
  planSite,
  renderAdoption,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

export async function adopt(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      apply: { type: 'boolean', default: false },
      service: { type: 'string' },
      'target-group': { type: 'string' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('adopt needs exactly one settings file');
  const file = positionals[0]!;
  const { site, platform } = await loadSite(file, findPlatformFile(file, values.platform, io.env));
  const clients = createAwsClients({ region: platform.region });
  try {
    const result = await adoptSite({
      clients,
      plan: planSite(site, platform),
      platform,
      log: lineLogger((l) => io.stdout(`${l}\n`)),
      apply: values.apply,
      names: { service: values.service, targetGroup: values['target-group'] },
      actor: io.env.GITHUB_ACTOR ?? io.env.USER ?? 'mdl-preview',
    });
    io.stdout(`${renderAdoption(result)}\n`);
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof AdoptionRefusedError)) throw err;
    // The report says what was found and why; the error line only says that nothing changed.
    io.stdout(`${renderAdoption(err.result)}\n`);
    io.stderr('error: adopt --apply refused: nothing was changed (see the reasons above)\n');
    return EXIT.invalid;
  } finally {
    destroyAwsClients(clients);
  }
}
