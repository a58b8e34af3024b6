// Stryker mutation testing, one part of packages/core/src at a time: `npm run mutation -- <part>`
// (scripts/mutation.mjs sets MUTATION_PART and the tests that part's mutants are tried against).
// Not in CI: a part takes minutes to hours on two cores. Scores are kept in docs/quality.md.
import { PARTS } from './scripts/mutation-parts.mjs';

const part = process.env.MUTATION_PART;
const spec = PARTS[part];
if (!spec) throw new Error(`MUTATION_PART must be one of: ${Object.keys(PARTS).join(', ')}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutation.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: spec.mutate,
  // Log and error message texts are not decisions: a changed message is caught by review, not tests.
  ignorers: ['log-messages'],
  plugins: ['@stryker-mutator/*', './scripts/mutation-ignorers.mjs'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: { testMatch: spec.tests.map((t) => `<rootDir>/${t}`) },
    enableFindRelatedTests: false,
  },
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  // Jest's ESM mode keeps every run's modules: a fresh runner process every so often, before it runs
  // out of memory.
  maxTestRunnerReuse: 40,
  timeoutMS: 60_000,
  timeoutFactor: 2,
  thresholds: { high: 90, low: 80, break: null },
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${part}.html` },
  jsonReporter: { fileName: `reports/mutation/${part}.json` },
  tempDirName: `.stryker-tmp/${part}`,
  // Off by default: an incremental rerun keeps earlier results it judges unchanged, which once kept a
  // survivor a new test kills. `npm run mutation -- <part> --incremental` for a quick look.
  incremental: false,
  incrementalFile: `reports/stryker-incremental-${part}.json`,
  cleanTempDir: 'always',
};
