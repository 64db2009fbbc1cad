import { assertCanAudit } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { CounterRow, Store } from '../store/store.js';

/** Longest range one query may span (ten years and a bit, as the metering reports), so a typo in a year cannot ask for centuries of rows. */
export const MAX_FIGURES_DAYS = 3700;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The counter rows of the metering days in [fromDay, toDay], for auditors and the operator. Throws
 * AUTHENTICATION_REQUIRED (anonymous), PERMISSION_DENIED (enterprises) or REQUEST_INVALID (a day that is
 * not a calendar date YYYY-MM-DD, fromDay after toDay, or a range longer than MAX_FIGURES_DAYS).
 */
export async function dailyFigures(store: Store, principal: Principal, fromDay: string, toDay: string): Promise<CounterRow[]> {
  assertCanAudit(principal, 'reading metered figures');
  const from = dayNumber(fromDay, 'from_day');
  const to = dayNumber(toDay, 'to_day');
  if (from > to) throw new IdnodeError('REQUEST_INVALID', `from_day ${fromDay} is after to_day ${toDay}`);
  if (to - from + 1 > MAX_FIGURES_DAYS) {
    throw new IdnodeError('REQUEST_INVALID', `from_day ${fromDay} to to_day ${toDay} spans ${to - from + 1} days; the limit is ${MAX_FIGURES_DAYS}`);
  }
  return store.listCounters(fromDay, toDay);
}

/** Days since the epoch of a YYYY-MM-DD calendar date; throws REQUEST_INVALID naming `field` otherwise. */
function dayNumber(text: string, field: string): number {
  const match = DAY.exec(text);
  if (match) {
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const ms = Date.UTC(year, month - 1, day);
    const date = new Date(ms);
    if (date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day) return ms / 86_400_000;
  }
  throw new IdnodeError('REQUEST_INVALID', `${field} must be a calendar date YYYY-MM-DD, got ${JSON.stringify(text)}`);
}
