// The deploy's result for people: one row per resource with what happened and what changed.
import { describeCostChange, describeEstimate } from '../fleet/cost-estimate.js';
import type { DeployResult } from './deploy.js';

const VERB = {
  create: ['created', 'would create'],
  update: ['updated', 'would update'],
  none: ['unchanged', 'unchanged'],
} as const;

export function resultRows(
  result: DeployResult,
): { resource: string; name: string; result: string; changes: string }[] {
  return result.inspections.map((i) => ({
    resource: i.id,
    name: i.name,
    result: VERB[i.action][result.dryRun ? 1 : 0],
    changes: i.changes.join('; '),
  }));
}

export function renderResult(result: DeployResult): string {
  const rows = resultRows(result);
  const w = (k: 'resource' | 'name' | 'result') => Math.max(k.length, ...rows.map((r) => r[k].length));
  const head = `${'resource'.padEnd(w('resource'))}  ${'result'.padEnd(w('result'))}  name`;
  const lines = rows.map(
    (r) =>
      `${r.resource.padEnd(w('resource'))}  ${r.result.padEnd(w('result'))}  ${r.name}${r.changes ? `\n${' '.repeat(w('resource') + w('result') + 4)}${r.changes}` : ''}`,
  );
  const verdict = result.dryRun
    ? result.changed
      ? 'dry run: the changes above would be made'
      : 'dry run: nothing would change'
    : result.changed
      ? 'changed'
      : 'nothing to change: the site matches its settings';
  return [
    head,
    ...lines,
    '',
    verdict,
    `Estimated Fargate cost: ${describeEstimate(result.plan.estimate)}`,
  ].join('\n');
}

/** A table cell: no line breaks, and no `|` to end the cell early. */
const cell = (s: string) => s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');

/**
 * The dry run as one pull-request comment: what would change, and what the change costs a month
 * against the estimate the last deploy recorded. `revision` names the commit it was planned from.
 */
export function planComment(result: DeployResult, revision?: string): string {
  const { plan } = result;
  const changing = resultRows(result).filter((r) => r.result !== 'unchanged');
  const lines = [
    `### Preview site \`${plan.site}\`: ${result.changed ? 'what a deploy would change' : 'nothing to change'}`,
    '',
    `${plan.url}${revision ? ` — planned from ${revision}` : ''}`,
    '',
    `**Estimated Fargate cost:** ${describeCostChange(plan.estimate, result.previousEstimate)}`,
    '',
    `<sub>${describeEstimate(plan.estimate)}</sub>`,
  ];
  if (changing.length) {
    lines.push('', '| resource | name | would | changes |', '| --- | --- | --- | --- |');
    for (const r of changing)
      lines.push(
        `| ${cell(r.resource)} | ${cell(r.name)} | ${cell(r.result.replace(/^would /, ''))} | ${cell(r.changes)} |`,
      );
  }
  return lines.join('\n');
}
