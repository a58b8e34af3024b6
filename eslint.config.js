// Lint: the recommended JavaScript and TypeScript rules over sources, tests and scripts, and on the
// production code (packages/*/src, actions/*/src) typescript-eslint's type-checked rules as well.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '.cache/**', '.stryker-tmp/**', 'reports/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['packages/*/src/**/*.ts', 'actions/*/src/**/*.ts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Off: an async method without await here implements a promise-returning interface; making it
      // sync would turn a throw into an exception at the call instead of a rejected promise.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Scripts and benchmarks talk to a person on the console.
  { files: ['scripts/**', 'bench/**'], rules: { 'no-console': 'off' } },
);
