// mdl-preview rollback: point a site's service back at an earlier task definition revision.
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  createAwsClients,
  destroyAwsClients,
  findPlatformFile,
  lineLogger,
  loadPlatformFile,
  rollbackSite,
  SettingsError,
} from '@moodle-preview/core';
import { EXIT, UsageError, type CliIO } from '../io.js';

export async function rollback(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      platform: { type: 'string' },
      to: { type: 'string' },
      'no-wait': { type: 'boolean', default: false },
      'wait-minutes': { type: 'string', default: '30' },
      'poll-seconds': { type: 'string', default: '5' },
    },
    allowPositionals: true,
  });
  if (positionals.length !== 1) throw new UsageError('rollback needs exactly one preview_link');
  const waitMinutes = Number(values['wait-minutes']);
  const poll = Number(values['poll-seconds']);
  if (!Number.isInteger(waitMinutes) || waitMinutes < 1)
    throw new UsageError('--wait-minutes must be a whole number of minutes');
  if (!(poll > 0)) throw new UsageError('--poll-seconds must be a positive number');
  // The platform file is found from the current folder when --platform and the environment are silent.
  const platformFile = findPlatformFile(path.resolve('settings.yml'), values.platform, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);
  const clients = createAwsClients({ region: platform.value.region });
  try {
    const r = await rollbackSite({
      clients,
      platform: platform.value,
      previewLink: positionals[0]!,
      to: values.to,
      log: lineLogger((l) => io.stdout(`${l}\n`)),
      wait: !values['no-wait'],
      waitMinutes,
      waiter: { minDelay: poll, maxDelay: Math.max(poll, 30) },
    });
    io.stdout(
      r.changed
        ? `${r.service} now runs ${r.to.split('/').pop()} (was ${r.from.split('/').pop()})\n`
        : `${r.service} already runs ${r.to.split('/').pop()}: nothing to do\n`,
    );
    return EXIT.ok;
  } finally {
    destroyAwsClients(clients);
  }
}
