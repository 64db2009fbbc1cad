import { daysBetween, isCalendarDay } from '../clock/calendar-day.js';
import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';

/** The longest range one metering query may span (ten years and a bit): bounds the work of one request. */
export const MAX_RANGE_DAYS = 3700;

/** A validated range of metering days. */
export interface DayRange {
  /** YYYY-MM-DD, inclusive. */
  readonly from: string;
  readonly to: string;
  /** Normalised; `undefined`: every prefix. */
  readonly prefix?: string;
}

/** A range as a front end received it: any of the fields may be missing or not text (each is then refused). */
export interface RangeRequest {
  readonly from?: unknown;
  readonly to?: unknown;
  readonly prefix?: unknown;
}

/**
 * How a front end names the range's fields, so that a refusal names the field its client sent; and the two
 * sentences whose published wording differs between the front ends (their wire tests pin them).
 */
export interface RangeFields {
  readonly from: string;
  readonly to: string;
  /** The refusal of a range whose last day comes before its first. */
  reversed(from: string, to: string): string;
  /** The refusal of a range longer than MAX_RANGE_DAYS (`days` days). */
  tooLong(from: string, to: string, days: number): string;
}

/** Query parameters `from` and `to` (REST). */
export const QUERY_RANGE_FIELDS: RangeFields = {
  from: 'from',
  to: 'to',
  reversed: (from, to) => `to (${to}) is before from (${from})`,
  tooLong: (from, to, days) => `from ${from} to ${to} spans ${days} days; ask for at most ${MAX_RANGE_DAYS} at a time`,
};

/** Message fields `from_day` and `to_day` (gRPC DailyFigures). */
export const DAY_FIELD_RANGE_FIELDS: RangeFields = {
  from: 'from_day',
  to: 'to_day',
  reversed: (from, to) => `from_day ${from} is after to_day ${to}`,
  tooLong: (from, to, days) => `from_day ${from} to to_day ${to} spans ${days} days; the limit is ${MAX_RANGE_DAYS}`,
};

/**
 * The one validator of metering ranges: both days real calendar dates, `to` not before `from`, at most
 * MAX_RANGE_DAYS days; the prefix, when given, a valid prefix (empty means every prefix). Throws IdnodeError
 * REQUEST_INVALID (or a PREFIX_* code) naming the field as `fields` calls it.
 */
export function parseRange(request: RangeRequest, fields: RangeFields = QUERY_RANGE_FIELDS): DayRange {
  const from = calendarDay(fields.from, request.from);
  const to = calendarDay(fields.to, request.to);
  if (to < from) throw new IdnodeError('REQUEST_INVALID', fields.reversed(from, to));
  const days = daysBetween(from, to);
  if (days > MAX_RANGE_DAYS) throw new IdnodeError('REQUEST_INVALID', fields.tooLong(from, to, days));
  if (request.prefix === undefined || request.prefix === '') return { from, to };
  if (typeof request.prefix !== 'string') throw new IdnodeError('REQUEST_INVALID', 'prefix must be text');
  return { from, to, prefix: normalisePrefix(request.prefix) };
}

function calendarDay(name: string, value: unknown): string {
  if (typeof value !== 'string' || !isCalendarDay(value)) {
    throw new IdnodeError('REQUEST_INVALID', `${name} must be a calendar date YYYY-MM-DD, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
  }
  return value;
}
