// mdl-preview exec / tasks: run a command in a site's container over our own ECS Exec client and exit
// with its exit code; list the site's running tasks with their exec agent state.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  destroyAwsClients,
  ExecTimeoutError,
  findPlatformFile,
  lineLogger,
  listSiteTasks,
  loadPlatformFile,
  pickExecTask,
  runCommand,
  SettingsError,
  siteNames,
  type AwsClients,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

async function platformOf(file: string | undefined, io: CliIO): Promise<{ region: string; cluster: string }> {
  const platformFile = findPlatformFile(path.resolve('settings.yml'), file, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);
  return { region: platform.value.region, cluster: platform.value.cluster };
}

export async function exec(args: string[], io: CliIO, make = createAwsClients): Promise<number> {
  // Everything after `--` is the remote command, options included.
  const split = args.indexOf('--');
  const own = split < 0 ? args : args.slice(0, split);
  const command = split < 0 ? [] : args.slice(split + 1);
  const { values, positionals } = parseArgs({
    args: own,
    options: {
      platform: { type: 'string' },
      task: { type: 'string' },
      container: { type: 'string' },
      timeout: { type: 'string', default: '600' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('exec needs exactly one preview_link');
  if (!command.length) throw new UsageError('exec needs a command after --');
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  const link = positionals[0]!;
  const { region, cluster } = await platformOf(values.platform, io);
  const clients: AwsClients = make({ region });
  try {
    const task = await pickExecTask(clients.ecs, cluster, link, values.task);
    const r = await runCommand({
      clients,
      cluster,
      task,
      container: values.container ?? siteNames(link).containerName,
      // One word is a command line (`-- 'php admin/cli/cron.php | tail'`); several are argv.
      command: command.length === 1 ? command[0]! : command,
      timeoutMs: timeout * 1000,
      onOutput: (text) => io.stdout(text),
      log: lineLogger((l) => io.stderr(`${l}\n`), { debug: Boolean(io.env.MDL_PREVIEW_DEBUG) }),
    });
    if (io.env.MDL_PREVIEW_DEBUG) io.stderr(`exit ${r.exitCode} after ${r.durationMs} ms (task ${task})\n`);
    return r.exitCode;
  } catch (err) {
    if (err instanceof ExecTimeoutError) {
      io.stderr(`error: ${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  } finally {
    destroyAwsClients(clients);
  }
}

export async function tasks(args: string[], io: CliIO, make = createAwsClients): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { platform: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('tasks needs exactly one preview_link');
  const { region, cluster } = await platformOf(values.platform, io);
  const clients = make({ region });
  try {
    const list = await listSiteTasks(clients.ecs, cluster, positionals[0]!);
    const rows = [
      ['TASK', 'STATUS', 'EXEC AGENT', 'STARTED'],
      ...list.map((t) => [t.taskId, t.lastStatus, t.execAgent, t.startedAt?.toISOString() ?? '-']),
    ];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows)
      io.stdout(
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
      );
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
