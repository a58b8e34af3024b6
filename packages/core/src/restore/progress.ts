// ProgressReporter: one line at a steady interval while rows load — compressed bytes read of the
// total (the S3 object or file size), rows/s, MB/s of SQL and an ETA from the compressed fraction.
import type { Logger } from '../logger.js';
import type { DumpSource } from './source.js';

export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private rows = 0;
  private readonly started = Date.now();
  private sqlBytes: () => number = () => 0;

  constructor(
    private readonly source: DumpSource,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  rowsApplied(n: number): void {
    this.rows += n;
  }

  start(sqlBytes: () => number): void {
    this.sqlBytes = sqlBytes;
    if (this.intervalMs > 0) {
      this.timer = setInterval(() => this.log.info(this.line()), this.intervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  line(): string {
    const elapsed = Math.max(0.001, (Date.now() - this.started) / 1000);
    const read = this.source.bytesRead;
    const total = this.source.size;
    const fraction = total > 0 ? Math.min(1, read / total) : 0;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : NaN;
    return (
      `progress: ${(fraction * 100).toFixed(1)}% (${formatBytes(read)} of ${formatBytes(total)} read), ` +
      `${this.rows.toLocaleString('en')} rows (${Math.round(this.rows / elapsed).toLocaleString('en')} rows/s), ` +
      `${(this.sqlBytes() / 1e6 / elapsed).toFixed(1)} MB/s of SQL, ` +
      `ETA ${Number.isFinite(eta) ? formatDuration(eta) : 'unknown'}`
    );
  }
}
