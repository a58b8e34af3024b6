// "Did you mean" hints for unknown keys: the closest known key by edit distance, if close enough.

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known key closest to `unknown`, or undefined when none is plausibly meant. */
export function closestKey(unknown: string, known: readonly string[]): string | undefined {
  const needle = unknown.toLowerCase().replace(/-/g, '_');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(needle, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  // Allow about one typo per four characters, and always a single one.
  const limit = Math.max(2, Math.floor(needle.length / 4));
  if (best !== undefined && bestDistance <= limit) return best;
  // A key that contains or is contained in a known one (`db_host` for `preview_db_host`).
  return known.find((k) => needle.length >= 4 && (k.includes(needle) || needle.includes(k)));
}
