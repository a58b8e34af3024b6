// The destroy's result for people: one row per resource — removed, already gone, kept or not ours —
// and a verdict line.
import type { DestroyResult } from './destroy.js';

export interface DestroyRow {
  resource: string;
  name: string;
  result: string;
  note: string;
}

export function destroyRows(result: DestroyResult): DestroyRow[] {
  return result.rows.map((r) => ({
    resource: r.resource,
    name: r.name,
    result: result.dryRun && r.outcome === 'removed' ? 'would remove' : (r.outcome ?? ''),
    note: r.note ?? '',
  }));
}

export function destroyVerdict(result: DestroyResult): string {
  const link = result.previewLink;
  const kept = result.kept.length
    ? `; data kept: ${result.kept.map((k) => `${k.kind} ${k.name}`).join(', ')} (destroy again with purge-data: true and confirm: ${link} to remove it)`
    : '';
  if (result.dryRun)
    return result.changed
      ? `dry run: ${result.removed} resource(s) of ${link} would be removed${kept}`
      : `dry run: nothing of ${link} would change${kept}`;
  if (!result.changed)
    return result.destroyedAt
      ? `nothing to do: ${link} was destroyed on ${result.destroyedAt}${kept}`
      : `nothing to do: nothing of ${link} is left${kept}`;
  return result.purge
    ? `${link} destroyed and its data purged (${result.removed} resource(s) removed)`
    : `${link} destroyed (${result.removed} resource(s) removed)${kept}`;
}

export function renderDestroyResult(result: DestroyResult): string {
  const rows = destroyRows(result);
  const w = (k: 'resource' | 'name' | 'result') => Math.max(k.length, ...rows.map((r) => r[k].length));
  const head = `${'resource'.padEnd(w('resource'))}  ${'result'.padEnd(w('result'))}  name`;
  const lines = rows.map(
    (r) =>
      `${r.resource.padEnd(w('resource'))}  ${r.result.padEnd(w('result'))}  ${r.name}${r.note ? `  (${r.note})` : ''}`,
  );
  return [head, ...lines, '', destroyVerdict(result)].join('\n');
}
