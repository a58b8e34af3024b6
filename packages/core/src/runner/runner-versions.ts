// The actions/runner releases the ec2-runner may install, each with the SHA-256 of its linux-x64
// tarball: the boot script refuses a download whose checksum differs. Bump process:
// actions/ec2-runner/README.md, "Runner versions".
import { ConfigurationError } from '../errors.js';

export interface RunnerRelease {
  /** SHA-256 (hex) of actions-runner-linux-x64-<version>.tar.gz; absent until someone verified it. */
  sha256?: string;
  /** Where the checksum was read, so a reviewer can check it again. */
  source?: string;
}

/**
 * Node 24 actions run on runner v2.327.0 and later ("Runner Support for executing Node24 Actions",
 * actions/runner#3940, released in v2.327.0); GitHub stops accepting runners older than about a
 * month's releases, so the default moves with the table.
 */
export const RUNNER_VERSIONS: Readonly<Record<string, RunnerRelease>> = {
  '2.330.0': {
    sha256: 'af5c33fa94f3cc33b8e97937939136a6b04197e6dadfcfb3b6e33ae1bf41e79a',
    source:
      'the "Validate the hash" line of GitHub\'s "New self-hosted runner" page for Linux x64 v2.330.0, as ' +
      'copied in two unrelated repositories; confirm against https://github.com/actions/runner/releases/tag/v2.330.0',
  },
};

export const DEFAULT_RUNNER_VERSION = '2.330.0';

const VERSION = /^\d+\.\d+\.\d+$/;
const SHA256 = /^[0-9a-f]{64}$/;

export interface ResolvedRunnerRelease {
  version: string;
  sha256: string;
  url: string;
}

/** The version to install and its checksum: the input's, else the table's; no checksum, no start. */
export function resolveRunnerRelease(
  version: string | undefined,
  sha256: string | undefined,
): ResolvedRunnerRelease {
  const v = (version ?? DEFAULT_RUNNER_VERSION).replace(/^v/, '');
  if (!VERSION.test(v))
    throw new ConfigurationError(`runner-version must look like 2.330.0, got "${version}"`);
  const given = sha256?.trim().toLowerCase();
  if (given !== undefined && !SHA256.test(given))
    throw new ConfigurationError(
      'runner-sha256 must be 64 hexadecimal characters (the SHA-256 of the linux-x64 tarball)',
    );
  const checksum = given ?? RUNNER_VERSIONS[v]?.sha256;
  if (!checksum)
    throw new ConfigurationError(
      `runner version ${v} has no verified SHA-256 in the suite's table: give runner-sha256 (download ` +
        `actions-runner-linux-x64-${v}.tar.gz from https://github.com/actions/runner/releases/tag/v${v}, run ` +
        `sha256sum on it and compare with the release notes), or add it to the table (actions/ec2-runner/README.md: Runner versions)`,
    );
  return {
    version: v,
    sha256: checksum,
    url: `https://github.com/actions/runner/releases/download/v${v}/actions-runner-linux-x64-${v}.tar.gz`,
  };
}
