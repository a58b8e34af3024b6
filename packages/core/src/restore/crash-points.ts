// The crash points: places where an interrupted restore must still resume exactly. The engine only
// reports passing one (with its position overall and among its kind); what happens there is the
// caller's (the resume tests kill the process or end the loading connection).
import type { Connection } from 'mysql2/promise';
import type { CrashPoint } from './options.js';

export type CrashPointReporter = (kind: string, conn?: Connection) => void;

export function crashPointReporter(onCrashPoint?: (point: CrashPoint) => void): CrashPointReporter {
  let n = 0;
  const perKind = new Map<string, number>();
  return (kind, conn) => {
    n++;
    const nthOfKind = (perKind.get(kind) ?? 0) + 1;
    perKind.set(kind, nthOfKind);
    onCrashPoint?.({ kind, n, nthOfKind, ...(conn ? { connectionId: conn.threadId } : {}) });
  };
}
