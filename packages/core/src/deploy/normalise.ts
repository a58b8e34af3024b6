// Compare what we want with what AWS has, seeing only the keys we set: AWS fills in keys of its own
// (revision, status, registeredAt, container cpu 0, empty volumesFrom …) that must not count as drift.

/** Paths (`a.b[0].c`) where `actual` differs from `wanted`, looking only at keys `wanted` sets. */
export function driftPaths(wanted: unknown, actual: unknown, at = ''): string[] {
  if (wanted === undefined) return [];
  if (Array.isArray(wanted)) {
    if (!Array.isArray(actual) || actual.length !== wanted.length) return [at || '(root)'];
    return wanted.flatMap((w, i) => driftPaths(w, actual[i], `${at}[${i}]`));
  }
  if (wanted !== null && typeof wanted === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [at || '(root)'];
    return Object.entries(wanted).flatMap(([k, v]) =>
      driftPaths(v, (actual as Record<string, unknown>)[k], at ? `${at}.${k}` : k),
    );
  }
  return Object.is(wanted, actual) || scalarText(wanted) === scalarText(actual) ? [] : [at || '(root)'];
}

/** A leaf as text for comparison (`1` and `'1'` are the same setting); a structure as its JSON. */
const scalarText = (v: unknown): string =>
  typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);

/** AWS tag lists (`[{key,value}]` or `[{Key,Value}]`) as a record. */
export function tagRecord(
  tags: readonly { key?: string; value?: string; Key?: string; Value?: string }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) {
    const k = t.key ?? t.Key;
    if (k !== undefined) out[k] = t.value ?? t.Value ?? '';
  }
  return out;
}
