/**
 * Maps instants to metering days (calendar days, YYYY-MM-DD, in the policy's time zone). Formatting a date
 * in a time zone is slow, so the current day's bounds are kept and the formatter runs only when an instant
 * falls outside them (about once a day on a live node).
 */
export class MeteringDay {
  private readonly formatter: Intl.DateTimeFormat;
  private day = '';
  private dayStartMs = 0;
  private dayEndMs = -1;

  /** Throws RangeError for an unknown IANA time zone. */
  constructor(readonly timeZone: string) {
    this.formatter = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  /** The YYYY-MM-DD day `epochMs` falls in. */
  dayOf(epochMs: number): string {
    if (epochMs >= this.dayStartMs && epochMs < this.dayEndMs) return this.day;
    const day = this.formatter.format(epochMs);
    // Bounds are found by probing at the minute granularity of every real-world zone offset, so a cached
    // day never claims an instant of its neighbour.
    this.day = day;
    this.dayStartMs = this.edge(epochMs, day, -1);
    this.dayEndMs = this.edge(epochMs, day, 1) + 1;
    return day;
  }

  /** Ms from `epochMs` to the start of the next metering day. */
  msToNextDay(epochMs: number): number {
    this.dayOf(epochMs);
    return this.dayEndMs - epochMs;
  }

  /** The last instant (by binary search over ms) in direction `sign` that is still in `day`. */
  private edge(fromMs: number, day: string, sign: 1 | -1): number {
    let inside = fromMs;
    let outside = fromMs + sign * 26 * 3600_000;
    while (Math.abs(outside - inside) > 1) {
      const middle = Math.floor((inside + outside) / 2);
      if (this.formatter.format(middle) === day) inside = middle;
      else outside = middle;
    }
    return inside;
  }
}
