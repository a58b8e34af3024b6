// Small parts of settings handling: templates, "did you mean", platform discovery, annotations.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, errorAnnotation, findPlatformFile } from '@moodle-preview/core';
import { closestKey } from '../../packages/core/src/settings/did-you-mean.js';
import { placeholders, renderTemplate, templateProblem } from '../../packages/core/src/settings/template.js';

describe('templates', () => {
  it('renders known placeholders, with or without inner spaces', () => {
    expect(renderTemplate('repo:moodle-{{php_version}}-{{ php_version }}', { php_version: '8.1' })).toBe(
      'repo:moodle-8.1-8.1',
    );
    expect(placeholders('a{{x}}b{{ y }}')).toEqual(['x', 'y']);
  });

  it.each([
    ['repo:moodle-{{php}}', /unknown placeholder \{\{php\}\}; allowed: \{\{php_version\}\}/],
    ['repo:moodle-{{php_version}', /unbalanced/],
    ['repo:moodle-php_version}}', /unbalanced/],
  ])('rejects %s', (template, why) => {
    expect(templateProblem(template, ['php_version'])).toMatch(why);
  });

  it('accepts a template without placeholders', () => {
    expect(templateProblem('repo:fixed', ['php_version'])).toBeUndefined();
  });
});

describe('did you mean', () => {
  const keys = ['preview_link', 'php_version', 'preview_db_host', 'preview_db_host_read_replica', 'cron'];
  it.each([
    ['php_verison', 'php_version'],
    ['preview-link', 'preview_link'],
    ['Preview_Link', 'preview_link'],
    ['preview_db_hots', 'preview_db_host'],
    ['crom', 'cron'],
  ])('%s → %s', (typo, meant) => expect(closestKey(typo, keys)).toBe(meant));

  it('offers nothing for an unrelated key', () => expect(closestKey('colour_scheme', keys)).toBeUndefined());
});

describe('platform file discovery', () => {
  const tree = () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'platform-'));
    mkdirSync(path.join(root, 'sites/a'), { recursive: true });
    writeFileSync(path.join(root, 'sites/a/settings.yml'), '');
    return root;
  };

  it('prefers --platform, then the environment, then the nearest platform.yml above', () => {
    const root = tree();
    const settings = path.join(root, 'sites/a/settings.yml');
    writeFileSync(path.join(root, 'platform.yml'), '');
    expect(findPlatformFile(settings, 'given.yml', { MDL_PREVIEW_PLATFORM: 'env.yml' })).toBe('given.yml');
    expect(findPlatformFile(settings, undefined, { MDL_PREVIEW_PLATFORM: 'env.yml' })).toBe('env.yml');
    expect(path.resolve(findPlatformFile(settings, undefined, {}))).toBe(path.join(root, 'platform.yml'));
  });

  it('stops at a repository root and says how to fix it', () => {
    const root = tree();
    mkdirSync(path.join(root, 'sites/.git'));
    writeFileSync(path.join(root, 'platform.yml'), ''); // above the repository: not used
    expect(() => findPlatformFile(path.join(root, 'sites/a/settings.yml'), undefined, {})).toThrow(
      ConfigurationError,
    );
    expect(() => findPlatformFile(path.join(root, 'sites/a/settings.yml'), undefined, {})).toThrow(
      /pass --platform FILE/,
    );
  });
});

describe('workflow command annotations', () => {
  it('escapes properties and data as the runner expects', () => {
    expect(
      errorAnnotation({
        file: 'a,b:c.yml',
        line: 3,
        column: 7,
        key: 'php_version',
        message: '50% wrong\nnext',
      }),
    ).toBe('::error file=a%2Cb%3Ac.yml,line=3,col=7,title=php_version::50%25 wrong%0Anext');
  });
});
