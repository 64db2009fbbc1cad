import { IdnodeError } from '../core/errors/catalogue.js';
import type { QueueDelay } from './queue-delay.js';

/** What a shed request is told: retry after this many seconds (REST Retry-After; the message says it too). */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Load shedding shared by every front end (REST, gRPC, the Handle protocol): at most `maxInFlight` requests
 * are served at once, whichever front end they came through, and none is started while the node's queueing
 * delay is a standing queue (QueueDelay, docs/overload.md). One more is refused at once, before its body
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
   * `queue`: when given, a request is also shed while its queue says so (QueueDelay: a standing queueing delay
   * over its target): requests answered in microseconds (cache hits) never pile up in flight, their queue is in
   * front of the node (socket buffers, the accept queue), and only the queueing delay shows it.
   */
  constructor(
    readonly maxInFlight: number,
    private readonly queue?: Pick<QueueDelay, 'behind' | 'delayMs' | 'settings'>,
  ) {}

  /**
   * A release function when the request is admitted; `undefined` when it is to be shed (counted in `shed`).
   *
   * `cheap(request)`: asked only when the request would be shed; true means answering it costs about what
   * refusing it would (a cache hit: both are mostly HTTP parsing and a write), so it is answered instead,
   * outside max-in-flight (it waits on nothing) — shedding it would lower the throughput and not the queue
   * (docs/overload.md, "What is shed"). Its release function does nothing. The request is passed rather than
   * closed over, so that admitting costs no allocation per request.
   */
  tryAdmit<R>(cheap?: (request: R) => boolean, request?: R): (() => void) | undefined {
    const entered = this.enter(cheap, request);
    if (entered !== Entered.Counted) return entered === undefined ? undefined : UNCOUNTED;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leave();
    };
  }

  /**
   * As tryAdmit, for a front end that ends each request it admits in exactly one place (the fast lane): no
   * release function is made, so admitting a warm hit allocates nothing. Counted: the request holds a slot,
   * given back by one call of `leave`; Uncounted: a cheap request let in beyond the limits, to be left as it
   * is; `undefined`: shed (counted in `shed`).
   */
  enter<R>(cheap?: (request: R) => boolean, request?: R): Entered | undefined {
    if (this.inFlight >= this.maxInFlight || this.queue?.behind() === true) {
      if (cheap?.(request as R) === true) return Entered.Uncounted;
      this.shedCount++;
      return undefined;
    }
    this.inFlight++;
    return Entered.Counted;
  }

  /** Gives back the slot of a request `enter` admitted as Counted; called once per such request. */
  leave(): void {
    this.inFlight--;
  }

  /** Requests being served now. */
  get current(): number {
    return this.inFlight;
  }

  /** The queueing delay now, in ms (0 without a QueueDelay). */
  get queueDelayMs(): number {
    return this.queue?.delayMs ?? 0;
  }

  /** True while the queueing delay is over its target (a burst or a standing queue); false without a QueueDelay. */
  get queueOverTarget(): boolean {
    return this.queue !== undefined && this.queue.delayMs > this.queue.settings.targetMs;
  }

  /** Requests shed since start. */
  get shed(): number {
    return this.shedCount;
  }
}

const UNCOUNTED = () => {};

/** How `Admission.enter` let a request in. */
export const Entered = { Counted: 1, Uncounted: 2 } as const;
export type Entered = (typeof Entered)[keyof typeof Entered];

/** The error a shed request is answered with. */
export function nodeBusy(maxInFlight: number): IdnodeError {
  return new IdnodeError(
    'NODE_BUSY',
    `the node is at its limit (${maxInFlight} requests at once, or requests waiting longer than queue-delay-target-ms to be started); retry in ${RETRY_AFTER_SECONDS} s`,
  );
}

/** An admission that never sheds: front ends built on their own (tests, benches) without a shared one. */
export function unlimitedAdmission(): Admission {
  return new Admission(Number.POSITIVE_INFINITY);
}
