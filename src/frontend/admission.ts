import { IdnodeError } from '../core/errors/catalogue.js';

/** What a shed request is told: retry after this many seconds (REST Retry-After; the message says it too). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Load shedding shared by every front end (REST, gRPC, the Handle protocol): at most `maxInFlight` requests
 * are served at once, whichever front end they came through. One more is refused at once, before its body
 * is read or its message decoded, with NODE_BUSY (a retry-later error: 503 + Retry-After, gRPC UNAVAILABLE,
 * Handle response code 3), so admitted requests are not queued behind an unbounded backlog and keep their
 * latency. Health and readiness probes and /metrics are not counted (the front ends do not ask).
 *
 * A request holds its slot from admission until its answer is sent or its caller goes away; the front end
 * calls the release function it was given exactly once (a second call is a no-op, so a front end may call it
 * from every path that ends a request).
 */
export class Admission {
  private inFlight = 0;
  private shedCount = 0;

  /**
   * `lag`: when given, a request is also shed while the event loop is more than its bound behind: requests
   * answered in microseconds (cache hits) never pile up in flight, their queue is in front of the node (socket
   * buffers, the event loop's backlog), and only the loop's delay shows it.
   */
  constructor(
    readonly maxInFlight: number,
    private readonly lag?: Pick<EventLoopLag, 'behind'>,
  ) {}

  /** A release function when the request is admitted; `undefined` when it is to be shed (counted in `shed`). */
  tryAdmit(): (() => void) | undefined {
    if (this.inFlight >= this.maxInFlight || this.lag?.behind() === true) {
      this.shedCount++;
      return undefined;
    }
    this.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight--;
    };
  }

  /** Requests being served now. */
  get current(): number {
    return this.inFlight;
  }

  /** Requests shed since start. */
  get shed(): number {
    return this.shedCount;
  }
}

/** The error a shed request is answered with. */
export function nodeBusy(maxInFlight: number): IdnodeError {
  return new IdnodeError(
    'NODE_BUSY',
    `the node is at its limit (${maxInFlight} requests at once, or its event loop past max-event-loop-delay-ms behind); retry in ${RETRY_AFTER_SECONDS} s`,
  );
}

/**
 * How far behind the event loop runs: a timer due every `intervalMs` notes by how much it fired late, and a
 * timer that is overdue right now counts too (a loop busy with a backlog of requests runs its timers late,
 * and the requests in that backlog see it). behind() is true when either is over `maxDelayMs`. start() arms
 * the timer (unref'd: it keeps no process alive); stop() disarms it. `now` is a monotonic clock in ms.
 */
export class EventLoopLag {
  private lastDelayMs = 0;
  private nextDueMs: number;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly maxDelayMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly intervalMs = 20,
  ) {
    this.nextDueMs = now() + intervalMs;
  }

  start(): void {
    this.nextDueMs = this.now() + this.intervalMs;
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** What the timer does (exposed for tests driving `now` themselves). */
  tick(): void {
    const now = this.now();
    this.lastDelayMs = Math.max(0, now - this.nextDueMs);
    this.nextDueMs = now + this.intervalMs;
  }

  behind(): boolean {
    return Math.max(this.lastDelayMs, this.now() - this.nextDueMs) > this.maxDelayMs;
  }
}

/** An admission that never sheds: front ends built on their own (tests, benches) without a shared one. */
export function unlimitedAdmission(): Admission {
  return new Admission(Number.POSITIVE_INFINITY);
}
