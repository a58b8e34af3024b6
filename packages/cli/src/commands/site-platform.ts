// The platform a site command works against (region, cluster), resolved like every other command:
// --platform, else $MDL_PREVIEW_PLATFORM, else the nearest platform.yml.
import path from 'node:path';
import { findPlatformFile, loadPlatformFile, SettingsError } from '@moodle-preview/core';
import type { CliIO } from '../io.js';

export interface SitePlatform {
  region: string;
  cluster: string;
  /** The platform's extra tags and log retention, for what a command creates. */
  tags: Record<string, string>;
  logRetentionDays: number;
  /** The sleep page's schedule group (absent: the platform has no sleep page). */
  sleepPageGroup?: string;
}

export async function sitePlatform(file: string | undefined, io: CliIO): Promise<SitePlatform> {
  const platformFile = findPlatformFile(path.resolve('settings.yml'), file, io.env);
  const platform = await loadPlatformFile(platformFile);
  if (!platform.value) throw new SettingsError(platform.problems);
  const { region, cluster, tags, logs, schedule } = platform.value;
  const group = schedule.sleep_page?.schedule_group;
  return {
    region,
    cluster,
    tags,
    logRetentionDays: logs.retention_days,
    ...(group ? { sleepPageGroup: group } : {}),
  };
}

/** Rows as aligned columns, two spaces apart, no trailing blanks. */
export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map(
      (r) =>
        `${r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}
