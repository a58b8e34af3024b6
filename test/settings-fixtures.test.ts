// Every malformed settings file under test/fixtures/settings/invalid/ is validated by the CLI, and what
// it reports must be exactly what the file itself says to expect.
//
// Expectation format: one comment line per expected problem, anywhere in the fixture,
//
//   # expect: LINE:COL KEY /REGEX/FLAGS
//
// LINE:COL  1-based position the problem must be reported at (comment lines count);
// KEY       the dotted key printed before the message, or `-` for a problem of the file itself
//           (YAML syntax, empty file, not a mapping);
// /REGEX/   a JavaScript regular expression (optional flags after the closing /) that the message —
//           the text after `KEY: ` — must match.
//
// A fixture passes when the CLI exits 1, prints exactly as many problems as it has `# expect:` lines,
// each expectation is matched by a distinct problem, and nothing looks like a crash (no stack frames,
// no "internal error"). Valid fixtures under settings/valid/ must pass with exit code 0.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import { main } from '@moodle-preview/cli';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rel = (...parts: string[]) => path.relative(process.cwd(), path.join(ROOT, ...parts));
const PLATFORM = rel('test/fixtures/platform.yml');
const INVALID_DIR = 'test/fixtures/settings/invalid';
const VALID_DIR = 'test/fixtures/settings/valid';

const ymlFiles = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => rel(dir, f));
const invalidFiles = ymlFiles(INVALID_DIR);
const validFiles = ymlFiles(VALID_DIR);

interface Expected {
  line: number;
  column: number;
  key: string;
  message: RegExp;
  text: string;
}
interface Reported {
  line: number;
  column: number;
  key: string;
  message: string;
}

const EXPECT_LINE = /^#\s*expect\b/;
const EXPECT = /^# expect: (\d+):(\d+) (-|[A-Za-z0-9_.[\]]+) \/(.*)\/([a-z]*)$/;

/** The `# expect:` lines of a fixture; a line that starts like one but is malformed is an error. */
function expectations(file: string): Expected[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => EXPECT_LINE.test(l))
    .map((l) => {
      const m = EXPECT.exec(l.trimEnd());
      if (!m) throw new Error(`${file}: malformed expectation "${l}"; write # expect: LINE:COL KEY /REGEX/`);
      return {
        line: Number(m[1]),
        column: Number(m[2]),
        key: m[3] === '-' ? '' : m[3]!,
        message: new RegExp(m[4]!, m[5]),
        text: l,
      };
    });
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Parse `file:line:col: [key: ]message` lines of `file` from stderr. */
function reportedProblems(stderr: string, file: string): { problems: Reported[]; other: string[] } {
  const line = new RegExp(`^${escapeRegExp(file)}:(\\d+):(\\d+): (.*)$`);
  const problems: Reported[] = [];
  const other: string[] = [];
  for (const l of stderr.split('\n').filter((s) => s !== '')) {
    const m = line.exec(l);
    if (!m) {
      other.push(l);
      continue;
    }
    // A key has no spaces; file-level messages ("YAML syntax error: …") always start with words.
    const keyed = /^([A-Za-z0-9_.[\]-]+): (.*)$/.exec(m[3]!);
    problems.push({
      line: Number(m[1]),
      column: Number(m[2]),
      key: keyed ? keyed[1]! : '',
      message: keyed ? keyed[2]! : m[3]!,
    });
  }
  return { problems, other };
}

/** Pair each expectation with a distinct reported problem; return what is left on either side. */
function compare(expected: Expected[], reported: Reported[]) {
  const left = [...reported];
  const missing: string[] = [];
  for (const e of expected) {
    const i = left.findIndex(
      (r) => r.line === e.line && r.column === e.column && r.key === e.key && e.message.test(r.message),
    );
    if (i < 0) missing.push(e.text);
    else left.splice(i, 1);
  }
  return { missing, unexpected: left.map((r) => `${r.line}:${r.column} ${r.key || '-'} ${r.message}`) };
}

function expectNoCrash(output: string) {
  expect(output).not.toMatch(/^\s+at /m);
  expect(output).not.toMatch(/internal error/i);
}

describe('malformed settings fixtures', () => {
  it('has at least 25 fixtures, each with at least one well-formed expectation', () => {
    expect(invalidFiles.length).toBeGreaterThanOrEqual(25);
    // expectations() throws on a malformed `# expect` line.
    const without = invalidFiles.filter((file) => expectations(file).length === 0);
    expect(without).toEqual([]);
  });

  it.each(invalidFiles)('%s reports exactly its expected problems', async (file) => {
    const expected = expectations(file);
    const { code, stdout, stderr } = await run(['validate', file, '--platform', PLATFORM]);
    expectNoCrash(stdout + stderr);
    expect(code).toBe(1);
    const { problems, other } = reportedProblems(stderr, file);
    expect(other).toEqual([`${expected.length} problem${expected.length === 1 ? '' : 's'} found`]);
    expect(compare(expected, problems)).toEqual({ missing: [], unexpected: [] });
  });

  it('annotates every problem for GitHub Actions when GITHUB_ACTIONS=true', async () => {
    const { code, stdout } = await run(['validate', ...invalidFiles, '--platform', PLATFORM], {
      GITHUB_ACTIONS: 'true',
    });
    expect(code).toBe(1);
    const annotations = stdout
      .split('\n')
      .filter((l) => l.startsWith('::error '))
      .map((l) => /^::error file=([^,]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)$/.exec(l));
    expect(annotations).not.toContain(null);
    let total = 0;
    for (const file of invalidFiles) {
      const expected = expectations(file);
      total += expected.length;
      const reported = annotations
        .filter((a) => a![1] === file)
        .map((a) => ({
          line: Number(a![2]),
          column: Number(a![3]),
          key: a![4] === 'settings' ? '' : a![4]!,
          message: a![5]!,
        }));
      expect({ file, ...compare(expected, reported) }).toEqual({ file, missing: [], unexpected: [] });
    }
    expect(annotations).toHaveLength(total);
  });

  it('the built mdl-preview bin reports them all without a stack trace', async () => {
    const env = { ...process.env };
    delete env.GITHUB_ACTIONS;
    delete env.MDL_PREVIEW_DEBUG;
    const bin = path.join(ROOT, 'packages/cli/bin/mdl-preview.js');
    const args = [
      bin,
      'validate',
      ...invalidFiles.map((f) => path.relative(ROOT, f)),
      '--platform',
      'test/fixtures/platform.yml',
    ];
    const result = await promisify(execFile)(process.execPath, args, { cwd: ROOT, env }).then(
      (r) => ({ code: 0, ...r }),
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expectNoCrash(result.stdout + result.stderr);
    expect(result.code).toBe(1);
    const total = invalidFiles.reduce((n, file) => n + expectations(file).length, 0);
    expect(result.stderr).toContain(`\n${total} problems found\n`);
    for (const file of invalidFiles) expect(result.stderr).toContain(`${path.relative(ROOT, file)}:`);
  });
});

describe('valid settings fixtures', () => {
  it('has valid fixtures', () => {
    expect(validFiles.length).toBeGreaterThanOrEqual(2);
  });

  it.each(validFiles)('%s is valid', async (file) => {
    const { code, stdout, stderr } = await run(['validate', file, '--platform', PLATFORM]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`ok  ${file} (https://`);
  });
});
