// The per-site config file: validated like settings.yml (positions, did-you-mean, duplicates), the
// example for 4-demo valid, and the cfg.php script it becomes (names inline, values by environment).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { checkConfigText, configScript, formatProblem } from '@moodle-preview/core';
import { main } from '@moodle-preview/cli';

const problems = (text: string) => checkConfigText('c.yml', text).problems.map(formatProblem);

describe('config files', () => {
  it('accepts the 4-demo example', () => {
    const r = checkConfigText('4-demo.yml', readFileSync('workflows-examples/config/4-demo.yml', 'utf8'));
    expect(r.problems).toEqual([]);
    expect(r.value).toContainEqual({ component: 'theme_boost', name: 'brandcolor', value: '#500778' });
    // A number-looking value keeps its text.
    expect(checkConfigText('c.yml', '- {name: x, value: 8.10}\n').value).toEqual([
      { name: 'x', value: '8.10' },
    ]);
  });

  it('reports every problem at its line and column', () => {
    expect(
      problems(
        [
          '- {name: theme, value: boost}',
          '- component: Theme Boost',
          '  name: brandcolour',
          '  vaule: red',
          '- {name: forcelogin, value: true}',
          '- {name: theme, value: classic}',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      "c.yml:2:3: [1].value: is required but missing. Allowed: text; write true/false as '1'/'0' in quotes, as Moodle stores them",
      'c.yml:2:14: [1].component: must be a plugin name such as theme_boost or tool_mobile; got string "Theme Boost"',
      'c.yml:4:3: [1].vaule: unknown key "vaule"; did you mean "value"?',
      "c.yml:5:29: [2].value: expected a string, got boolean true. Allowed: text; write true/false as '1'/'0' in quotes, as Moodle stores them",
    ]);
    expect(problems('- {name: theme, value: boost}\n- {name: theme, value: classic}\n')).toEqual([
      'c.yml:2:10: [1].name: core/theme is already set by item 1; keep one',
    ]);
    expect(problems('theme: boost\n')).toEqual([
      'c.yml:1:1: expected a list of settings: "- {component?, name, value}"',
    ]);
    expect(problems('[]\n')).toEqual(['c.yml:1:1: list at least one setting; got a list']);
  });

  it('builds one script: names on the command line, values only by environment', () => {
    const { shell, environment } = configScript('/data/apache/htdocs/moodle', [
      { component: 'theme_boost', name: 'brandcolor', value: "'; rm -rf / #" },
      { name: 'forcelogin', value: '1' },
    ]);
    expect(shell).not.toContain('rm -rf');
    expect(shell.split('\n')[1]).toBe(
      'php /data/apache/htdocs/moodle/admin/cli/cfg.php --component=theme_boost --name=brandcolor --set="$MDL_CFG_1" || { echo "#mdl-cfg failed 1"; exit 1; }; echo "#mdl-cfg set 1"',
    );
    expect(environment).toEqual([
      { name: 'MDL_CFG_1', value: "'; rm -rf / #" },
      { name: 'MDL_CFG_2', value: '1' },
    ]);
    const many = Array.from({ length: 40 }, (_, i) => ({ name: `setting${i}`, value: 'x'.repeat(200) }));
    expect(() => configScript('/m', many)).toThrow(
      /too large for one task's overrides .* split it into two files/,
    );
  });

  it('mdl-preview config check validates files', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), env: {} };
    expect(await main(['config', 'check', 'workflows-examples/config/4-demo.yml'], io)).toBe(0);
    expect(out.join('')).toBe('workflows-examples/config/4-demo.yml: 6 setting(s), valid\n');
    expect(await main(['config', 'check', 'nope.yml'], io)).toBe(1);
    expect(err.join('')).toContain('nope.yml:1:1: cannot read: file not found');
  });
});
