// Fake Cost Explorer (JSON 1.1, `ce`, target prefix AWSInsightsIndexService): GetCostAndUsage over
// cost lines a test seeds (a day, a service, the resource's tags, an amount), grouped by a cost
// allocation tag as AWS groups them: the key is `<tag>$<value>`, and `<tag>$` gathers what does not
// carry the tag (or carried it before the tag was activated). Its checks are AWS's: End after Start,
// the DAILY or MONTHLY granularity, at most two groupings, known metrics.
import { AwsServiceError } from '../errors.js';
import type { AuthorizationRequest, ServiceHandler } from '../types.js';
import { RequestMembers, unknownOperation } from './json-protocol.js';

export interface CostLine {
  /** YYYY-MM-DD */
  day: string;
  service: string;
  tags: Record<string, string>;
  amount: number;
  unit?: string;
}

const METRICS = ['UnblendedCost', 'BlendedCost', 'AmortizedCost', 'NetUnblendedCost', 'NetAmortizedCost'];
const DAY = 86_400_000;

export class CostExplorerFake implements ServiceHandler {
  readonly signingName = 'ce';
  readonly protocol = 'json' as const;
  readonly targetPrefix = 'AWSInsightsIndexService';

  /** What was spent, line by line. */
  readonly lines: CostLine[] = [];
  /** Cost allocation tags that are active: only these group (others fall into `<tag>$`). */
  readonly activeTags = new Set<string>();

  isMutating(): boolean {
    return false;
  }

  authorize(action: string): AuthorizationRequest[] {
    return [{ action: `ce:${action}`, resource: '*', context: {} }];
  }

  addCost(line: CostLine): void {
    this.lines.push({ ...line, tags: { ...line.tags } });
  }

  handle(action: string, params: Record<string, unknown>): unknown {
    const m = new RequestMembers(params, 'ValidationException');
    if (action !== 'GetCostAndUsage') throw unknownOperation('ce', action);
    const period = m.optRecord<string>('TimePeriod');
    const start = period?.Start;
    const end = period?.End;
    const date = /^\d{4}-\d{2}-\d{2}$/;
    if (!start || !end || !date.test(start) || !date.test(end))
      throw m.invalid('TimePeriod needs Start and End as YYYY-MM-DD');
    if (end <= start) throw m.invalid('Start date (inclusive) must be before End date (exclusive)');
    const granularity = m.string('Granularity');
    if (granularity !== 'DAILY' && granularity !== 'MONTHLY')
      throw m.invalid(`Granularity ${granularity} is not supported here: DAILY or MONTHLY`);
    const metrics = m.list<string>('Metrics');
    const unknown = metrics.filter((x) => !METRICS.includes(x));
    if (!metrics.length || unknown.length)
      throw m.invalid(`Unknown metrics: ${unknown.join(', ') || 'none given'}`);
    const groupBy = (m.optList<Record<string, string>>('GroupBy') ?? []).map((g) => ({
      type: g.Type ?? '',
      key: g.Key ?? '',
    }));
    if (groupBy.length > 2) throw m.invalid('GroupBy takes at most two groupings');
    for (const g of groupBy)
      if (g.type !== 'TAG' && g.type !== 'DIMENSION') throw m.invalid(`Unknown group type ${g.type}`);
    if (m.optString('NextPageToken')) throw new AwsServiceError('InvalidNextTokenException', 'Invalid token');

    const keyOf = (line: CostLine) =>
      groupBy.map((g) =>
        g.type === 'TAG'
          ? `${g.key}$${this.activeTags.has(g.key) ? (line.tags[g.key] ?? '') : ''}`
          : g.key === 'SERVICE'
            ? line.service
            : '',
      );
    const buckets = periods(start, end, granularity);
    const results = buckets.map(([from, to]) => {
      const inside = this.lines.filter((l) => l.day >= from && l.day < to);
      const unit = inside[0]?.unit ?? 'USD';
      const total = (ls: CostLine[]) =>
        Object.fromEntries(
          metrics.map((x) => [
            x,
            { Amount: String(round(ls.reduce((a, l) => a + l.amount, 0))), Unit: unit },
          ]),
        );
      if (!groupBy.length)
        return { TimePeriod: { Start: from, End: to }, Total: total(inside), Groups: [], Estimated: false };
      const groups = new Map<string, CostLine[]>();
      for (const l of inside) {
        const k = JSON.stringify(keyOf(l));
        groups.set(k, [...(groups.get(k) ?? []), l]);
      }
      return {
        TimePeriod: { Start: from, End: to },
        Total: {},
        Groups: [...groups].map(([k, ls]) => ({ Keys: JSON.parse(k) as string[], Metrics: total(ls) })),
        Estimated: false,
      };
    });
    return {
      ResultsByTime: results,
      GroupDefinitions: groupBy.map((g) => ({ Type: g.type, Key: g.key })),
      DimensionValueAttributes: [],
    };
  }
}

const round = (n: number) => Math.round(n * 1e10) / 1e10;

/** [start, end) split by day or by calendar month. */
function periods(start: string, end: string, granularity: string): [string, string][] {
  const out: [string, string][] = [];
  let from = start;
  while (from < end) {
    const t = Date.parse(`${from}T00:00:00Z`);
    const d = new Date(t);
    const next =
      granularity === 'DAILY'
        ? new Date(t + DAY).toISOString().slice(0, 10)
        : new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
    const to = next < end ? next : end;
    out.push([from, to]);
    from = to;
  }
  return out;
}
