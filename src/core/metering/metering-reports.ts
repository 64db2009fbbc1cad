import { assertCanAudit } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { eachDay, daysBetween } from '../clock/calendar-day.js';
import type { MeteringDay } from '../clock/metering-day.js';
import type { CounterRow, CounterStore } from '../store/store.js';
import { parseRange, type DayRange, type RangeFields, type RangeRequest } from './day-range.js';
import { addToFigures, FIGURE_FIELDS, groupFigures, zeroFigures, type Figures } from './figures.js';
import { toCsv } from './csv.js';

export interface DailyRow extends Figures {
  day: string;
  prefix: string;
  /** Only when split by protocol. */
  protocol?: string;
}

export interface DailyReport {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly prefix?: string;
  /** One row per day and prefix (and protocol) that has any count, by day then prefix in byte order. */
  readonly rows: DailyRow[];
  readonly totals: Figures;
}

export interface PrefixTotals extends Figures {
  prefix: string;
}

export interface TotalsReport {
  readonly from: string;
  readonly to: string;
  readonly timeZone: string;
  readonly prefix?: string;
  readonly days: number;
  /** One row per prefix with any count, in byte order. */
  readonly prefixes: PrefixTotals[];
  readonly totals: Figures;
}

export interface DayTotals extends Figures {
  day: string;
}

/**
 * Metering as auditors read it: figures per day and prefix, totals over a range, counter rows, as JSON
 * objects or CSV. Figures are what the store holds: resolution counts of the last flush interval (at most a
 * second) are not in them yet. Reads only; no network I/O beyond the store.
 *
 * Every method is for auditors and the operator, and checks that first: it throws AUTHENTICATION_REQUIRED
 * (anonymous) or PERMISSION_DENIED (an enterprise) before it looks at the request, then validates the range
 * with parseRange (REQUEST_INVALID or PREFIX_* naming the field as `fields` calls it; REST's names by default).
 */
export class MeteringReports {
  constructor(
    private readonly store: CounterStore,
    private readonly meteringDay: MeteringDay,
  ) {}

  get timeZone(): string {
    return this.meteringDay.timeZone;
  }

  async daily(principal: Principal, request: RangeRequest & { readonly byProtocol?: boolean }, fields?: RangeFields): Promise<DailyReport> {
    const query = this.checked(principal, request, fields);
    const sums = await this.store.sumCounters({
      fromDay: query.from,
      toDay: query.to,
      ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
      groupBy: request.byProtocol ? ['day', 'prefix', 'protocol'] : ['day', 'prefix'],
    });
    const rows = groupFigures<Omit<DailyRow, keyof Figures>>(
      sums,
      (sum) => `${sum.day}\u001f${sum.prefix}\u001f${sum.protocol ?? ''}`,
      (sum) => (request.byProtocol ? { day: sum.day!, prefix: sum.prefix!, protocol: sum.protocol! } : { day: sum.day!, prefix: sum.prefix! }),
    );
    return { ...this.header(query), rows, totals: sumRows(rows) };
  }

  async totals(principal: Principal, request: RangeRequest, fields?: RangeFields): Promise<TotalsReport> {
    const query = this.checked(principal, request, fields);
    const sums = await this.store.sumCounters({
      fromDay: query.from,
      toDay: query.to,
      ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
      groupBy: ['prefix'],
    });
    const prefixes = groupFigures<{ prefix: string }>(sums, (sum) => sum.prefix!, (sum) => ({ prefix: sum.prefix! }));
    return { ...this.header(query), days: daysBetween(query.from, query.to), prefixes, totals: sumRows(prefixes) };
  }

  /** Every day of the range, days without counts included (as zeros), over every prefix (or `prefix`'s). */
  async dayTotals(principal: Principal, request: RangeRequest, fields?: RangeFields): Promise<DayTotals[]> {
    const query = this.checked(principal, request, fields);
    const sums = await this.store.sumCounters({
      fromDay: query.from,
      toDay: query.to,
      ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
      groupBy: ['day'],
    });
    const byDay = new Map<string, DayTotals>(eachDay(query.from, query.to).map((day) => [day, { day, ...zeroFigures() }]));
    for (const sum of sums) {
      const row = byDay.get(sum.day!);
      if (row) addToFigures(row, sum.kind, sum.count);
    }
    return [...byDay.values()];
  }

  /** The counter rows of the range's days as the store holds them, ordered by day, prefix, protocol and kind (a prefix is ignored). */
  async counterRows(principal: Principal, request: RangeRequest, fields?: RangeFields): Promise<CounterRow[]> {
    const query = this.checked(principal, request, fields);
    return this.store.listCounters(query.from, query.to);
  }

  private checked(principal: Principal, request: RangeRequest, fields: RangeFields | undefined): DayRange {
    assertCanAudit(principal, 'reading metering');
    return parseRange(request, fields);
  }

  private header(query: DayRange): { from: string; to: string; timeZone: string; prefix?: string } {
    return { from: query.from, to: query.to, timeZone: this.timeZone, ...(query.prefix === undefined ? {} : { prefix: query.prefix }) };
  }
}

function sumRows(rows: readonly Figures[]): Figures {
  const total = zeroFigures();
  for (const row of rows) for (const field of FIGURE_FIELDS) total[field] += row[field];
  return total;
}

/** The daily report as CSV: day, prefix, [protocol,] then one column per figure. */
export function dailyCsv(report: DailyReport): string {
  const split = report.rows.some((row) => row.protocol !== undefined);
  const header = ['day', 'prefix', ...(split ? ['protocol'] : []), ...FIGURE_FIELDS];
  return toCsv(
    header,
    report.rows.map((row) => [row.day, row.prefix, ...(split ? [row.protocol ?? ''] : []), ...FIGURE_FIELDS.map((field) => row[field])]),
  );
}

/** The totals report as CSV: a row per prefix, then a last row "TOTAL" over all of them. */
export function totalsCsv(report: TotalsReport): string {
  return toCsv(
    ['prefix', ...FIGURE_FIELDS],
    [...report.prefixes.map((row) => [row.prefix, ...FIGURE_FIELDS.map((field) => row[field])]), ['TOTAL', ...FIGURE_FIELDS.map((field) => report.totals[field])]],
  );
}
