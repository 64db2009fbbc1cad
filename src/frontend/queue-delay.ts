/** The queue-delay controller's settings (queue-delay-target-ms, queue-delay-interval-ms, max-event-loop-delay-ms). */
export interface QueueDelaySettings {
  /** The queueing delay the node keeps to: a standing delay above it for `intervalMs` starts shedding. */
  readonly targetMs: number;
  /** How long the delay must stay above the target before shedding starts (a burst shorter than this is absorbed). */
  readonly intervalMs: number;
  /** A delay above this sheds at once, whatever the interval. At least targetMs. */
  readonly maxMs: number;
}

/**
 * How long a request waits before the node starts on it (its queueing delay, or sojourn time), and whether
 * that wait is a standing queue to shed (CoDel's rule, applied to admission instead of dropping packets).
 *
 * Why the event loop's delay is the measure: an HTTP request, a gRPC frame or a Handle message waits in the
 * kernel (socket buffers, the accept queue) until the event loop's poll phase reads it, and is then handled in
 * the same turn. Neither max-in-flight nor any per-request timestamp sees that wait: the node learns of a
 * request only when it reads it. A request that became readable just after a poll phase took its batch waits
 * for that whole batch, and so does a timer due at that moment: how late a timer due every `sampleMs` fires is
 * the queueing delay of the requests behind it. A timer overdue right now counts too (a turn still running
 * its batch is the queue).
 *
 * The rule (CoDel, Nichols & Jacobson 2012): the delay may exceed `targetMs` in a burst; once it has stayed
 * above the target for `intervalMs` — a queue that does not drain — behind() is true and requests are shed
 * until a sample comes back under the target. A delay above `maxMs` sheds at once. Shed requests are answered
 * in microseconds (a cached 503), so the node drains its backlog faster than it would serve it, and the
 * requests it admits keep a queueing delay near the target.
 *
 * start() arms the timer (unref'd: it keeps no process alive); stop() disarms it. `now` is a monotonic clock
 * in ms (injected: tests drive it).
 */
export class QueueDelay {
  private lastDelayMs = 0;
  private nextDueMs: number;
  /** When the delay went above the target and has stayed there since (undefined: it is under the target). */
  private aboveSinceMs: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    readonly settings: QueueDelaySettings,
    private readonly now: () => number = () => performance.now(),
    private readonly sampleMs = 10,
  ) {
    this.nextDueMs = now() + sampleMs;
  }

  start(): void {
    this.nextDueMs = this.now() + this.sampleMs;
    this.timer ??= setInterval(() => this.tick(), this.sampleMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** What the timer does (exposed for tests driving `now` themselves): one sample, how late it fired. */
  tick(): void {
    const now = this.now();
    this.lastDelayMs = Math.max(0, now - this.nextDueMs);
    this.aboveSinceMs = this.lastDelayMs > this.settings.targetMs ? (this.aboveSinceMs ?? this.nextDueMs + this.settings.targetMs) : undefined;
    this.nextDueMs = now + this.sampleMs;
  }

  /** The queueing delay now, in ms: the last sample's, or the running turn's when that is longer. */
  get delayMs(): number {
    return Math.max(this.lastDelayMs, this.now() - this.nextDueMs);
  }

  /** True while requests are to be shed: a standing delay over the target for an interval, or one over maxMs. */
  behind(): boolean {
    const now = this.now();
    const overdue = now - this.nextDueMs;
    if (Math.max(this.lastDelayMs, overdue) > this.settings.maxMs) return true;
    // A turn still running: it went over the target when the timer was targetMs overdue.
    const aboveSince = overdue > this.settings.targetMs ? Math.min(this.aboveSinceMs ?? Infinity, this.nextDueMs + this.settings.targetMs) : this.aboveSinceMs;
    return aboveSince !== undefined && now - aboveSince >= this.settings.intervalMs;
  }
}
