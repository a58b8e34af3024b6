// The expiry sweep: forgotten previews are destroyed on their day, their data kept and recorded as
// retired (purge-retired drops it later), and the ones close to it are listed so their owners can
// extend them (a later `expires`, or `pinned: true`). Which site is which is a pure decision over the
// registry; the destroys are destroy-instance's own engine, without purge.
import type { Logger } from '../logger.js';
import type { SiteRegistryEntry } from '../registry/site-registry.js';

export interface ExpiringSite {
  site: string;
  url: string;
  expiresOn: string;
  /** Whole days from today to the expiry day (0: today; negative: overdue). */
  daysLeft: number;
  /** The repository and branch that deployed it (for a comment on its pull request). */
  deployedFrom?: { repository: string; branch: string };
}

export interface SweepDecision {
  /** On or past their day: destroyed by the sweep, data kept. */
  expired: ExpiringSite[];
  /** Within the warning days: listed, and their pull requests told. */
  expiring: ExpiringSite[];
  /** Pinned, or with no expiry: never touched. */
  kept: { site: string; why: string }[];
}

const DAY = 86_400_000;
const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/** Which live sites expire today (or are overdue), which soon, and which never. */
export function decideSweep(
  entries: readonly SiteRegistryEntry[],
  today: string,
  warnDays: number,
): SweepDecision {
  const decision: SweepDecision = { expired: [], expiring: [], kept: [] };
  for (const e of entries) {
    if (e.destroyedAt) continue;
    if (e.pinned || !e.expiresOn) {
      decision.kept.push({ site: e.previewLink, why: e.pinned ? 'pinned' : 'no expiry' });
      continue;
    }
    const site: ExpiringSite = {
      site: e.previewLink,
      url: e.url,
      expiresOn: e.expiresOn,
      daysLeft: daysBetween(today, e.expiresOn),
      ...(e.deployedFrom ? { deployedFrom: { ...e.deployedFrom } } : {}),
    };
    if (site.daysLeft <= 0) decision.expired.push(site);
    else if (site.daysLeft <= warnDays) decision.expiring.push(site);
  }
  const byDay = (a: ExpiringSite, b: ExpiringSite) =>
    a.expiresOn.localeCompare(b.expiresOn) || a.site.localeCompare(b.site);
  decision.expired.sort(byDay);
  decision.expiring.sort(byDay);
  return decision;
}

export interface SweepResult extends SweepDecision {
  /** Expired sites destroyed by this run (their data kept). */
  destroyed: string[];
  /** Expired sites whose destroy failed, with why: the next run tries again. */
  failed: { site: string; error: string }[];
  dryRun: boolean;
}

/**
 * Destroy every expired site with `destroy` (destroy-instance's engine, data kept), one after
 * another; a failure is recorded and the others go on. A dry run destroys nothing.
 */
export async function sweepExpired(o: {
  entries: readonly SiteRegistryEntry[];
  today: string;
  warnDays: number;
  dryRun: boolean;
  destroy: (site: string) => Promise<unknown>;
  log: Logger;
}): Promise<SweepResult> {
  const decision = decideSweep(o.entries, o.today, o.warnDays);
  const result: SweepResult = { ...decision, destroyed: [], failed: [], dryRun: o.dryRun };
  for (const s of decision.expired) {
    if (o.dryRun) {
      o.log.info(`${s.site}: expired on ${s.expiresOn}; would be destroyed (data kept)`);
      continue;
    }
    o.log.info(`${s.site}: expired on ${s.expiresOn}; destroying it (data kept, recorded as retired)`);
    try {
      await o.destroy(s.site);
      result.destroyed.push(s.site);
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      o.log.warning(`${s.site}: the destroy failed; the next sweep tries again: ${error}`);
      result.failed.push({ site: s.site, error });
    }
  }
  for (const s of decision.expiring)
    o.log.info(`${s.site}: expires on ${s.expiresOn} (${s.daysLeft} day(s) left)`);
  return result;
}

/** The sweep as a markdown step summary. */
export function sweepMarkdown(r: SweepResult): string {
  const row = (s: ExpiringSite, what: string) =>
    `| ${s.site} | ${s.expiresOn} | ${what} | ${s.deployedFrom ? `${s.deployedFrom.repository}@${s.deployedFrom.branch}` : '-'} |`;
  const lines = [
    `### Preview expiry${r.dryRun ? ' (dry run)' : ''}`,
    '',
    '| site | expires | what happens | deployed from |',
    '| --- | --- | --- | --- |',
    ...r.expired.map((s) => {
      const failed = r.failed.find((f) => f.site === s.site);
      const what = r.dryRun
        ? 'would be destroyed (data kept)'
        : failed
          ? `destroy failed: ${failed.error}`
          : 'destroyed, data kept as retired';
      return row(s, what);
    }),
    ...r.expiring.map((s) => row(s, `expires in ${s.daysLeft} day(s): set a later expires, or pinned: true`)),
  ];
  if (!r.expired.length && !r.expiring.length) lines.push('| — | — | nothing expires soon | — |');
  lines.push('', `${r.kept.length} site(s) do not expire (pinned or without an expiry).`);
  return `${lines.join('\n')}\n`;
}
