import { eachDay, daysBetween, isCalendarDay } from '../clock/calendar-day.js';
import type { MeteringDay } from '../clock/metering-day.js';
import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';
import type { CounterStore } from '../store/store.js';
import { addToFigures, FIGURE_FIELDS, groupFigures, zeroFigures, type Figures } from './figures.js';
import { toCsv } from './csv.js';

/** The longest range one metering query may span (ten years and a bit): bounds the work of one request. */
export const MAX_RANGE_DAYS = 3700;

export interface RangeQuery {
  /** YYYY-MM-DD, inclusive. */
  readonly from: string;
  readonly to: string;
  /** Normalised; `undefined`: every prefix. */
  readonly prefix?: string;
}

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
 * Validates a range from request text: both days real calendar dates, `to` not before `from`, at most
 * MAX_RANGE_DAYS days; the prefix, when given, a valid prefix. Throws IdnodeError REQUEST_INVALID (or a
 * PREFIX_* code) naming the parameter.
 */
export function parseRangeQuery(input: { from?: unknown; to?: unknown; prefix?: unknown }): RangeQuery {
  const from = checkDay('from', input.from);
  const to = checkDay('to', input.to);
  if (to < from) throw new IdnodeError('REQUEST_INVALID', `to (${to}) is before from (${from})`);
  const days = daysBetween(from, to);
  if (days > MAX_RANGE_DAYS) throw new IdnodeError('REQUEST_INVALID', `from ${from} to ${to} spans ${days} days; ask for at most ${MAX_RANGE_DAYS} at a time`);
  if (input.prefix === undefined || input.prefix === '') return { from, to };
  if (typeof input.prefix !== 'string') throw new IdnodeError('REQUEST_INVALID', 'prefix must be text');
  return { from, to, prefix: normalisePrefix(input.prefix) };
}

function checkDay(name: string, value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDay(value)) {
    throw new IdnodeError('REQUEST_INVALID', `${name} must be a calendar date YYYY-MM-DD, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Metering as auditors read it: figures per day and prefix, totals over a range, as JSON objects or CSV.
 * Figures are what the store holds: resolution counts of the last flush interval (at most a second) are not
 * in them yet. Reads only; no network I/O beyond the store.
 */
export class MeteringReports {
  constructor(
    private readonly store: CounterStore,
    private readonly meteringDay: MeteringDay,
  ) {}

  get timeZone(): string {
    return this.meteringDay.timeZone;
  }

  async daily(query: RangeQuery & { readonly byProtocol?: boolean }): Promise<DailyReport> {
    const sums = await this.store.sumCounters({
      fromDay: query.from,
      toDay: query.to,
      ...(query.prefix === undefined ? {} : { prefix: query.prefix }),
      groupBy: query.byProtocol ? ['day', 'prefix', 'protocol'] : ['day', 'prefix'],
    });
    const rows = groupFigures<Omit<DailyRow, keyof Figures>>(
      sums,
      (sum) => `${sum.day}\u001f${sum.prefix}\u001f${sum.protocol ?? ''}`,
      (sum) => (query.byProtocol ? { day: sum.day!, prefix: sum.prefix!, protocol: sum.protocol! } : { day: sum.day!, prefix: sum.prefix! }),
    );
    return { ...this.header(query), rows, totals: sumRows(rows) };
  }

  async totals(query: RangeQuery): Promise<TotalsReport> {
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
  async dayTotals(query: RangeQuery): Promise<DayTotals[]> {
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

  private header(query: RangeQuery): { from: string; to: string; timeZone: string; prefix?: string } {
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
