// mdl-preview purge-retired: drop the data the site registry records as retired for N days or more —
// nothing else — and print what happened to each record (or, with --dry-run, what would).
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  destroyAwsClients,
  findPlatformFile,
  lineLogger,
  loadPlatformFile,
  oneOffTaskRunner,
  purgeRetired,
  SettingsError,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { formatTable } from './site-platform.js';

export async function purgeRetiredCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      'older-than-days': { type: 'string', default: '3' },
      'dry-run': { type: 'boolean', default: false },
      'db-access': { type: 'string', default: 'task' },
      sites: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('purge-retired takes no positional arguments');
  const days = Number(values['older-than-days']);
  if (!Number.isInteger(days) || days < 0)
    throw new UsageError('--older-than-days must be a whole number of days');
  const dbAccess = values['db-access'];
  if (dbAccess !== 'task' && dbAccess !== 'direct')
    throw new UsageError('--db-access must be task or direct');
  const platformFile = findPlatformFile(path.resolve('settings.yml'), values.platform, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);
  const clients = createAwsClients({ region: platform.value.region });
  try {
    const r = await purgeRetired({
      clients,
      platform: platform.value,
      olderThanDays: days,
      dryRun: values['dry-run'],
      dbAccess,
      tasks: oneOffTaskRunner(clients),
      log: lineLogger((l) => io.stderr(`${l}\n`)),
      actor: io.env.GITHUB_ACTOR ?? io.env.USER ?? 'mdl-preview',
      ...(values.sites
        ? {
            sites: values.sites
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          }
        : {}),
    });
    const rows = r.items.map((i) => ({
      site: i.site,
      kind: i.record.kind,
      name: i.record.name,
      since: i.record.since,
      decision: i.decision,
      result: values['dry-run'] && i.decision === 'purge' ? 'would purge' : (i.outcome ?? ''),
      note: i.note,
    }));
    if (values.json) io.stdout(`${JSON.stringify({ items: rows, deletedEntries: r.deletedEntries })}\n`);
    else if (rows.length === 0) io.stdout('no retired data is recorded\n');
    else
      io.stdout(
        formatTable([
          ['SITE', 'KIND', 'NAME', 'SINCE', 'DECISION', 'RESULT', 'NOTE'],
          ...rows.map((x) => [x.site, x.kind, x.name, x.since, x.decision, x.result, x.note]),
        ]),
      );
    return r.failed ? EXIT.failed : EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
