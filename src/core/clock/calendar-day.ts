/**
 * Arithmetic on calendar-day labels (YYYY-MM-DD) as metering days are named. It is pure calendar arithmetic:
 * which instants a day covers depends on the time zone (see MeteringDay); the label after 2024-02-28 does not.
 */
const DAY_LABEL = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True for a real date in the Gregorian calendar, years 0001 to 9999 (2023-02-29 is not). */
export function isCalendarDay(text: string): boolean {
  const match = DAY_LABEL.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInYear(year: number): number {
  return isLeapYear(year) ? 366 : 365;
}

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a valid label (negative before). */
function ordinal(day: string): number {
  const date = new Date(0);
  date.setUTCFullYear(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)));
  return Math.round(date.getTime() / MS_PER_DAY);
}

function label(ordinalDay: number): string {
  const date = new Date(ordinalDay * MS_PER_DAY);
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** The label `count` days after `day` (before, when negative). */
export function addDays(day: string, count: number): string {
  return label(ordinal(day) + count);
}

export function nextDay(day: string): string {
  return addDays(day, 1);
}

export function previousDay(day: string): string {
  return addDays(day, -1);
}

/** Days from `from` to `to`, both included; 0 when `to` is before `from`. */
export function daysBetween(from: string, to: string): number {
  return Math.max(0, ordinal(to) - ordinal(from) + 1);
}

/** Every label from `from` to `to`, both included. */
export function eachDay(from: string, to: string): string[] {
  const days: string[] = [];
  for (let at = ordinal(from), end = ordinal(to); at <= end; at++) days.push(label(at));
  return days;
}

export function yearOf(day: string): number {
  return Number(day.slice(0, 4));
}

export function firstDayOfYear(year: number): string {
  return `${String(year).padStart(4, '0')}-01-01`;
}

export function lastDayOfYear(year: number): string {
  return `${String(year).padStart(4, '0')}-12-31`;
}
