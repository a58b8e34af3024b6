// `npm run demo`'s deploy part works from the built packages: first deploy, then a no-op redeploy.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

describe('the demo', () => {
  it('deploys the example site into the fake, then finds nothing to change', () => {
    const r = spawnSync(process.execPath, ['scripts/demo.mjs'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [first, second] = r.stdout.split('=== the same deploy again');
    expect(first).toMatch(/service\s+created\s+mdl-4-demo/);
    expect(first).toMatch(/\d+ AWS calls \(1\d changing something\)/);
    expect(second).toContain('nothing to change: the site matches its settings');
    expect(second).toMatch(/\d+ AWS calls \(0 changing something\)/);
  });
});
