// Which platform file applies to a settings file: --platform, then $MDL_PREVIEW_PLATFORM, then the
// nearest platform.yml in the settings file's folder or above it (stopping at a repository root).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigurationError } from '../errors.js';

export const PLATFORM_FILE_NAME = 'platform.yml';
export const PLATFORM_ENV = 'MDL_PREVIEW_PLATFORM';

export function findPlatformFile(
  settingsFile: string,
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (explicit) return explicit;
  const fromEnv = env[PLATFORM_ENV];
  if (fromEnv) return fromEnv;
  let dir = path.dirname(path.resolve(settingsFile));
  for (;;) {
    const candidate = path.join(dir, PLATFORM_FILE_NAME);
    if (existsSync(candidate)) return path.relative(process.cwd(), candidate) || candidate;
    const parent = path.dirname(dir);
    if (parent === dir || existsSync(path.join(dir, '.git'))) break;
    dir = parent;
  }
  throw new ConfigurationError(
    `no platform file for ${settingsFile}: pass --platform FILE, set ${PLATFORM_ENV}, or put a ${PLATFORM_FILE_NAME} in its folder or one above it`,
  );
}
