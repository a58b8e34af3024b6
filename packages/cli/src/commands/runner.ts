// mdl-preview runner list | reap: the ec2-runner's leases for ops — every instance of the suite with its
// runner and what the reaper would do with it, and the reaper itself (the same decisions as the
// ec2-runner action's mode reap).
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import {
  awsClientConfig,
  createEc2Client,
  GitHubRunnersClient,
  leaseRows,
  lineLogger,
  parseRunnerScope,
  readReapInput,
  reapRunners,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

/** A token that administers the runners (`gh auth token` of a repository admin works too). */
export const GITHUB_TOKEN_ENV = 'MDL_PREVIEW_GITHUB_TOKEN';

export async function runner(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      repo: { type: 'string' },
      org: { type: 'boolean', default: false },
      region: { type: 'string' },
      'grace-minutes': { type: 'string', default: '15' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  const sub = positionals.join(' ');
  if (sub !== 'list' && sub !== 'reap') throw new UsageError('runner has two subcommands: list, reap');
  const repository = values.repo ?? io.env.GITHUB_REPOSITORY;
  if (!repository) throw new UsageError('runner needs --repo OWNER/NAME (or GITHUB_REPOSITORY)');
  const region = values.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('runner needs --region (or AWS_REGION)');
  const token = io.env[GITHUB_TOKEN_ENV] ?? io.env.GITHUB_TOKEN;
  if (!token)
    throw new UsageError(
      `set ${GITHUB_TOKEN_ENV} to a token that administers the repository's runners (e.g. \`gh auth token\` of an admin)`,
    );
  const grace = Number(values['grace-minutes']);
  if (!Number.isInteger(grace) || grace < 1)
    throw new UsageError('--grace-minutes must be a whole number of minutes');

  const log = lineLogger((l) => io.stderr(`${l}\n`));
  log.mask(token);
  const github = new GitHubRunnersClient({
    apiUrl: io.env.GITHUB_API_URL ?? 'https://api.github.com',
    token,
    scope: parseRunnerScope(repository, values.org),
  });
  const ec2 = createEc2Client({ region });
  const ssm = new SSMClient(awsClientConfig({ region }));
  try {
    if (sub === 'list') {
      const rows = leaseRows(
        await readReapInput({ ec2, ssm, github }, { repository, graceMinutes: grace, now: new Date() }),
      );
      if (values.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return EXIT.ok;
      }
      if (!rows.length) io.stdout(`no runner leases for ${repository} in ${region}\n`);
      for (const r of rows)
        io.stdout(
          `${r.label.padEnd(32)} ${(r.instanceId || '-').padEnd(20)} ${(r.state || '-').padEnd(13)} ` +
            `${(r.instanceType || '-').padEnd(12)} ${(r.market || '-').padEnd(9)} runner ${r.runner.padEnd(12)} ` +
            `expires ${r.expiresAt || '-'}  reaper: ${r.reaper}\n`,
        );
      return EXIT.ok;
    }
    const result = await reapRunners(
      { ec2, ssm, github, log },
      { repository, graceMinutes: grace, dryRun: values['dry-run'] },
    );
    if (values.json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else
      io.stdout(
        values['dry-run']
          ? `dry run: would terminate ${result.decisions.filter((d) => d.kind === 'instance' && d.action === 'terminate').length} instance(s), ` +
              `remove ${result.decisions.filter((d) => d.kind === 'runner' && d.action === 'remove').length} runner(s), ` +
              `delete ${result.decisions.filter((d) => d.kind === 'parameter' && d.action === 'delete').length} parameter(s)\n`
          : `terminated ${result.terminated.length} instance(s), removed ${result.runnersRemoved.length} runner(s), ` +
              `deleted ${result.parametersDeleted.length} parameter(s)\n`,
      );
    return EXIT.ok;
  } finally {
    ec2.destroy();
    ssm.destroy();
  }
}
