// mdl-preview upgrade: upgrade-db from a terminal — read the site's Moodle version, print the hops,
// and (without --dry-run) run them as one-off tasks with their log streamed here. Ctrl-C stops the
// task that is running, as the action's post step does for a cancelled job.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  UpgradeFailedError,
  createAwsClients,
  destroyAwsClients,
  findPlatformFile,
  lineLogger,
  loadPlatformFile,
  parseImagesTable,
  parseRelease,
  releaseText,
  SettingsError,
  stopTask,
  upgradeSite,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

export async function upgrade(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      to: { type: 'string' },
      image: { type: 'string' },
      php: { type: 'string' },
      images: { type: 'string' },
      'db-access': { type: 'string', default: 'task' },
      'allow-unstable': { type: 'boolean', default: false },
      'no-maintenance': { type: 'boolean', default: false },
      'no-purge': { type: 'boolean', default: false },
      'wait-minutes': { type: 'string', default: '360' },
      'dry-run': { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('upgrade needs exactly one preview_link');
  if (!values.to) throw new UsageError('upgrade needs --to RELEASE (e.g. 4.5.3)');
  const dbAccess = values['db-access'];
  if (dbAccess !== 'task' && dbAccess !== 'direct')
    throw new UsageError('--db-access must be task or direct');
  const waitMinutes = Number(values['wait-minutes']);
  if (!Number.isInteger(waitMinutes) || waitMinutes < 1)
    throw new UsageError('--wait-minutes must be a whole number');
  const release = parseRelease(values.to);
  const images = parseImagesTable(values.images, '--images');
  const platformFile = findPlatformFile(path.resolve('settings.yml'), values.platform, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);
  const clients = createAwsClients({ region: platform.value.region });
  let running: string | undefined;
  const onSigint = () => {
    if (!running) process.exit(130);
    io.stderr(`stopping ${running}…\n`);
    void stopTask(clients.ecs, platform.value!.cluster, running, 'stopped from mdl-preview (Ctrl-C)').finally(
      () => process.exit(130),
    );
  };
  process.once('SIGINT', onSigint);
  try {
    const r = await upgradeSite({
      clients,
      platform: platform.value,
      previewLink: positionals[0]!,
      target: {
        release,
        ...(values.image ? { image: values.image } : {}),
        ...(values.php ? { php: values.php } : {}),
      },
      images,
      allowUnstable: values['allow-unstable'],
      checkPending: true,
      maintenance: !values['no-maintenance'],
      purgeCaches: !values['no-purge'],
      dbAccess,
      maxWaitMs: waitMinutes * 60_000,
      log: lineLogger((l) => io.stdout(`${l}\n`)),
      onTaskStarted: (arn) => void (running = arn),
      dryRun: values['dry-run'],
    });
    io.stdout(
      values['dry-run']
        ? `dry run: ${r.plan.hops.length} hop(s) from ${releaseText(r.from)} to ${releaseText(r.plan.to)}; nothing ran\n`
        : `Moodle ${r.from.release} → ${r.to?.release ?? '?'} in ${Math.round(r.durationMs / 1000)} s\n`,
    );
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UpgradeFailedError) {
      io.stderr(`${err.message}\n`);
      return EXIT.failed;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
    destroyAwsClients(clients);
  }
}
