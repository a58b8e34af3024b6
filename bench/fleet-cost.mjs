#!/usr/bin/env node
// The monthly Fargate estimate of an example fleet of 30 preview sites, always awake and on the
// example platform's default schedule (workflows-examples/platform.yml: Mon-Fri 07:00-20:00
// Europe/London), computed by the suite's own estimator: each site's settings are planned with
// planSite, exactly as `mdl-preview plan` and deploy-instance's dry run compute them.
//
// The fleet: 24 branch sites at the defaults (0.5 vCPU, 1 GB, 1 task), 4 bigger ones for load tests
// (1 vCPU, 2 GB, 2 tasks), 2 demo sites awake always (1 vCPU, 2 GB, 1 task; `awake: always` in both
// columns, as demo sites are shown at any hour).
//
// Run: `npm run bench:fleet` (pure computation: no AWS, no timing).
import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { checkPlatformText, checkSiteText, money, planSite, resolveSite } from '@moodle-preview/core';

const platformText = readFileSync('workflows-examples/platform.yml', 'utf8');
const platform = checkPlatformText('platform.yml', platformText).value;
if (!platform) throw new Error('the example platform file does not validate');

/** The example fleet's settings.yml files, as objects. */
function fleet() {
  const sites = [];
  for (let i = 1; i <= 24; i++) sites.push({ preview_link: `branch-${i}`, php_version: '8.1' });
  for (let i = 1; i <= 4; i++)
    sites.push({
      preview_link: `load-${i}`,
      php_version: '8.1',
      cpu: 1024,
      memory: 2048,
      auto_scaling_min: 2,
      auto_scaling_max: 6,
    });
  for (const link of ['4-demo', '5-demo'])
    sites.push({ preview_link: link, php_version: '8.1', cpu: 1024, memory: 2048, awake: 'always' });
  return sites;
}

function monthly(settings) {
  const site = checkSiteText(`${settings.preview_link}/settings.yml`, stringify(settings));
  if (!site.value) throw new Error(JSON.stringify(site.problems));
  const resolved = resolveSite(site.value, platform, site.source);
  if (!resolved.site) throw new Error(JSON.stringify(resolved.problems));
  return planSite(resolved.site, platform).estimate;
}

const rows = fleet().map((s) => ({
  site: s.preview_link,
  always: monthly({ ...s, awake: 'always' }),
  scheduled: monthly(s),
}));
const sum = (pick) => rows.reduce((total, r) => total + pick(r).monthly, 0);
const always = sum((r) => r.always);
const scheduled = sum((r) => r.scheduled);
const currency = rows[0].always.currency;
const hours = (e) => `${e.awakeHours} h`;

console.log(`Fleet of ${rows.length} sites, Fargate baseline a month (minimum tasks while awake):`);
console.log(`  schedule: ${platform.schedule.awake} ${platform.schedule.timezone} (demo sites: always)`);
console.log(
  `  prices: ${platform.fargate_prices.vcpu_hour} ${currency} per vCPU-hour, ${platform.fargate_prices.gb_hour} per GB-hour`,
);
console.log('');
console.log('| group | sites | each, always awake | each, on the schedule |');
console.log('| --- | --- | --- | --- |');
for (const prefix of ['branch-', 'load-', '4-demo']) {
  const group = rows.filter(
    (r) => r.site.startsWith(prefix) || (prefix === '4-demo' && r.site.endsWith('-demo')),
  );
  const r = group[0];
  console.log(
    `| ${prefix === '4-demo' ? 'demo (awake always)' : prefix.slice(0, -1)} | ${group.length} | ` +
      `${money(r.always.monthly, currency)} (${hours(r.always)}) | ${money(r.scheduled.monthly, currency)} (${hours(r.scheduled)}) |`,
  );
}
console.log('');
console.log(`always awake:      ${money(always, currency)} a month`);
console.log(`on the schedule:   ${money(scheduled, currency)} a month`);
console.log(
  `ratio:             ${(scheduled / always).toFixed(3)} (saves ${money(always - scheduled, currency)} a month)`,
);
