// mdl-preview iam: the least-privilege IAM policy of each role for this platform, as JSON to attach
// (one role), or an object of them by role (several or `all`); --explain lists what stays on `*` and why.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  findPlatformFile,
  iamGrants,
  iamPolicy,
  IAM_ROLES,
  isIamRole,
  loadPlatformFile,
  SettingsError,
  type IamOptions,
  type IamRole,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';
import { formatTable } from './site-platform.js';

const IDENT = /^[A-Za-z0-9_-]{1,255}$/;

export async function iam(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      explain: { type: 'boolean', default: false },
      'cron-log-group': { type: 'string' },
      'exec-kms-key': { type: 'string' },
      'dump-bucket': { type: 'string', multiple: true },
      'external-cluster': { type: 'string', multiple: true },
      'runner-role': { type: 'string', multiple: true },
    },
    allowPositionals: true,
  });
  if (!positionals.length) throw new UsageError(`iam needs a role: ${IAM_ROLES.join(', ')} or all`);
  const roles: IamRole[] = [];
  for (const p of positionals) {
    if (p === 'all') roles.push(...IAM_ROLES);
    else if (isIamRole(p)) roles.push(p);
    else throw new UsageError(`unknown role ${p}: one of ${IAM_ROLES.join(', ')} or all`);
  }
  const options: IamOptions = {
    cronLogGroup: values['cron-log-group'],
    execKmsKeyArn: values['exec-kms-key'],
    dumpBuckets: values['dump-bucket'],
    externalClusters: values['external-cluster'],
    runnerRoles: values['runner-role'],
  };
  if (
    options.execKmsKeyArn &&
    !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/.test(options.execKmsKeyArn)
  )
    throw new UsageError(`--exec-kms-key must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`);
  for (const b of options.dumpBuckets ?? [])
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(b))
      throw new UsageError(`--dump-bucket ${b} is not an S3 bucket name`);
  for (const c of options.externalClusters ?? [])
    if (!IDENT.test(c)) throw new UsageError(`--external-cluster ${c} is not an ECS cluster name`);
  for (const r of options.runnerRoles ?? [])
    if (!/^[A-Za-z0-9+=,.@_/-]{1,64}\*?$/.test(r))
      throw new UsageError(`--runner-role ${r} is not an IAM role name (pattern)`);
  if (options.cronLogGroup && !/^[A-Za-z0-9_./#-]{1,512}$/.test(options.cronLogGroup))
    throw new UsageError(`--cron-log-group ${options.cronLogGroup} is not a log group name`);

  const platformFile = findPlatformFile(path.resolve('settings.yml'), values.platform, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);

  if (values.explain) {
    const rows = [['role', 'statement', 'actions', 'why it is on *']];
    for (const role of roles)
      for (const g of iamGrants(role, platform.value, options))
        if (g.Resource === '*') rows.push([role, g.Sid, g.Action.join(' '), g.why ?? '']);
    io.stdout(formatTable(rows));
    return EXIT.ok;
  }
  const out =
    roles.length === 1
      ? iamPolicy(roles[0]!, platform.value, options)
      : Object.fromEntries(roles.map((r) => [r, iamPolicy(r, platform.value!, options)]));
  io.stdout(`${JSON.stringify(out, null, 2)}\n`);
  return EXIT.ok;
}
