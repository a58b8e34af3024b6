// Jest in ESM mode: ts-jest compiles TypeScript (types are checked by `npm run typecheck`), and the
// workspace packages resolve to their sources so tests never run stale builds.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/actions', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: {
    '^@moodle-preview/core$': '<rootDir>/packages/core/src/index.ts',
    '^@moodle-preview/cli$': '<rootDir>/packages/cli/src/cli.ts',
    '^@moodle-preview/aws-fake$': '<rootDir>/packages/aws-fake/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testTimeout: 60000,
};
