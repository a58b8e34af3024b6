// The step summary of a restore: totals per database and the slowest tables.
import { formatBytes, formatDuration } from './progress.js';
import type { RestoreResult } from './restore.js';

export function restoreSummaryMarkdown(results: readonly RestoreResult[]): string {
  const lines = [
    '### Database restore',
    '',
    '| database | source | tables | rows | SQL | time | resumed |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const r of results)
    lines.push(
      `| ${r.database} | ${r.source} | ${r.tables} | ${r.rows.toLocaleString('en')} | ${formatBytes(r.bytes)} | ` +
        `${formatDuration(r.seconds)} | ${r.resumed ? `yes (${r.skippedChunks} of ${r.chunks} chunks were in)` : 'no'} |`,
    );
  for (const r of results) {
    if (!r.slowest.length) continue;
    lines.push(
      '',
      `Slowest tables of ${r.database}:`,
      '',
      '| table | rows | SQL | loading time |',
      '|---|---:|---:|---:|',
    );
    for (const t of r.slowest)
      lines.push(
        `| ${t.table} | ${t.rows.toLocaleString('en')} | ${formatBytes(t.bytes)} | ${t.seconds.toFixed(1)} s |`,
      );
  }
  const notes = [...new Set(results.flatMap((r) => r.notes))];
  if (notes.length) lines.push('', 'Notes:', '', ...notes.map((n) => `- ${n}`));
  return `${lines.join('\n')}\n`;
}
