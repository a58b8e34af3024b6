// Provisioning targets for the DB tests: the example site's real plan (with MIM), and small
// hand-made ones so each test owns its own databases and user on the shared test server.
import { readFile } from 'node:fs/promises';
import { checkPlatformText, checkSiteText, planSite, resolveSite, type SitePlan } from '@moodle-preview/core';
import type { Platform } from '../../packages/core/src/settings/platform-schema.js';
import { provisionTarget, type ProvisionTarget } from '../../packages/core/src/db/index.js';

const SETTINGS = 'workflows-examples/sites/4-demo/settings.yml';
const PLATFORM = 'workflows-examples/platform.yml';

/** The example site 4-demo: databases moodle_42_demo and mim_42_demo, user moodle_demo. */
export async function examplePlan(): Promise<{ plan: SitePlan; platform: Platform }> {
  const site = checkSiteText(SETTINGS, await readFile(SETTINGS, 'utf8'));
  const platform = checkPlatformText(PLATFORM, await readFile(PLATFORM, 'utf8'));
  if (!site.value || !platform.value) throw new Error('the example settings do not validate');
  const resolved = resolveSite(site.value, platform.value, site.source);
  if (!resolved.site) throw new Error('the example settings do not resolve');
  return { plan: planSite(resolved.site, platform.value), platform: platform.value };
}

export async function exampleTarget(): Promise<ProvisionTarget> {
  return provisionTarget((await examplePlan()).plan.resources);
}

/** A target shaped like the plan's: one database (two with `mim`), the user granted ALL on each. */
export function target(db: string, user: string, mim?: string): ProvisionTarget {
  const names = [db, ...(mim ? [mim] : [])];
  return {
    databases: names.map((name, i) => ({
      role: i === 0 ? ('moodle' as const) : ('mim' as const),
      name,
      characterSet: 'utf8mb4' as const,
      collation: 'utf8mb4_unicode_ci',
    })),
    user: {
      name: user,
      host: '%',
      grants: names.map((database) => ({ database, privileges: 'ALL PRIVILEGES' as const })),
      password: { secret: `moodle-preview/sites/${user}/db`, jsonKey: 'password' },
    },
  };
}

/** A password of the site alphabet, different every call. */
export function sitePassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += alphabet[Math.floor(Math.random() * alphabet.length)];
  return out;
}
