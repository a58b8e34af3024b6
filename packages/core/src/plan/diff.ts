// What differs between two plans, resource by resource, down to the changed JSON paths.
import type { ResourceId, SitePlan } from './site-plan.js';

export interface PlanChange {
  resource: ResourceId;
  /** JSON paths within the resource that differ, e.g. `spec.containerDefinitions[0].image`. */
  paths: string[];
}

function diffValues(a: unknown, b: unknown, at: string, out: string[]): void {
  if (Object.is(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) {
      out.push(at);
      return;
    }
    a.forEach((v, i) => diffValues(v, b[i], `${at}[${i}]`, out));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      diffValues(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        at ? `${at}.${k}` : k,
        out,
      );
    }
    return;
  }
  out.push(at);
}

export function diffPlans(before: SitePlan, after: SitePlan): PlanChange[] {
  const ids = new Set([...Object.keys(before.resources), ...Object.keys(after.resources)]) as Set<ResourceId>;
  const changes: PlanChange[] = [];
  for (const id of ids) {
    const paths: string[] = [];
    diffValues(before.resources[id], after.resources[id], '', paths);
    if (paths.length) changes.push({ resource: id, paths });
  }
  return changes;
}
