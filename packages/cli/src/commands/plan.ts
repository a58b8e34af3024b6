// mdl-preview plan: the desired state of a site, for people or as JSON.
import { parseArgs } from 'node:util';
import { findPlatformFile, loadSite, planSite, renderPlan } from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

export async function plan(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { platform: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('plan needs exactly one settings file');
  const file = positionals[0]!;
  const { site, platform } = await loadSite(file, findPlatformFile(file, values.platform, io.env));
  const p = planSite(site, platform);
  io.stdout(values.json ? `${JSON.stringify(p, null, 2)}\n` : `${renderPlan(p)}\n`);
  return EXIT.ok;
}
