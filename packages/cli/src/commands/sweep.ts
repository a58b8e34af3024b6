// mdl-preview sweep: destroy the previews whose expiry day has come (their data kept, recorded as
// retired) and list the ones expiring soon; sweep-expired.yml runs it daily. --markdown writes the
// step summary, --json what a workflow reads (the destroyed sites, the expiring ones and their branches).
// --github (with GITHUB_TOKEN) tells each site's repository: a comment on an expiring site's open
// pull request, the destroyed sites' environments marked inactive.
import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  destroyAwsClients,
  destroySite,
  findPlatformFile,
  GitHubRest,
  githubApiUrl,
  lineLogger,
  noticeExpiryOnGitHub,
  loadPlatformFile,
  oneOffTaskRunner,
  SettingsError,
  SiteRegistry,
  sweepExpired,
  sweepMarkdown,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { formatTable } from './site-platform.js';

export async function sweep(args: string[], io: CliIO, make = createAwsClients): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'db-access': { type: 'string', default: 'task' },
      json: { type: 'boolean', default: false },
      markdown: { type: 'string' },
      github: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length) throw new UsageError('sweep takes no positional arguments');
  const dbAccess = values['db-access'];
  if (dbAccess !== 'task' && dbAccess !== 'direct')
    throw new UsageError('--db-access must be task or direct');
  // Checked before anything is destroyed: a sweep that cannot tell GitHub does not start.
  const rest = values.github
    ? new GitHubRest({
        apiUrl: githubApiUrl(io.env),
        token: io.env.GITHUB_TOKEN ?? '',
        permissionHelp: 'pull-requests: write, deployments: write',
      })
    : undefined;
  const platformFile = findPlatformFile(path.resolve('settings.yml'), values.platform, io.env);
  const loaded = await loadPlatformFile(platformFile);
  if (!loaded.value) throw new SettingsError(loaded.problems);
  const platform = loaded.value;
  const clients = make({ region: platform.region });
  const log = lineLogger((l) => io.stderr(`${l}\n`));
  const actor = `${io.env.GITHUB_ACTOR || io.env.USER || 'mdl-preview'} (expiry sweep)`;
  try {
    const now = (io.now ?? (() => new Date()))();
    const r = await sweepExpired({
      entries: await new SiteRegistry(clients.ssm).list(),
      today: now.toISOString().slice(0, 10),
      warnDays: platform.expiry.warn_days,
      dryRun: values['dry-run'],
      log,
      destroy: (site) =>
        destroySite({
          clients,
          platform,
          previewLink: site,
          log,
          purgeData: false,
          dryRun: false,
          wait: false,
          waitMinutes: 10,
          dbAccess,
          tasks: oneOffTaskRunner(clients),
          actor,
          now: () => now,
        }),
    });
    const github = rest ? await noticeExpiryOnGitHub({ result: r, rest, log }) : undefined;
    if (values.markdown) await appendFile(values.markdown, sweepMarkdown(r));
    if (values.json) io.stdout(`${JSON.stringify({ ...r, ...(github ? { github } : {}) }, null, 2)}\n`);
    else {
      const rows = [
        ...r.expired.map((s) => [
          s.site,
          s.expiresOn,
          r.dryRun ? 'would destroy' : r.destroyed.includes(s.site) ? 'destroyed (data kept)' : 'failed',
        ]),
        ...r.expiring.map((s) => [s.site, s.expiresOn, `expires in ${s.daysLeft} day(s)`]),
      ];
      io.stdout(
        rows.length ? formatTable([['SITE', 'EXPIRES', 'RESULT'], ...rows]) : 'nothing expires soon\n',
      );
    }
    return r.failed.length ? EXIT.failed : EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
