import { IdnodeError } from '../errors/catalogue.js';
import type { Monotonic } from '../clock/monotonic.js';

export interface LoginThrottleOptions {
  /** Failed logins of one identity, or from one address, within `windowMs` before further attempts are refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Identities and addresses tracked at most, each (the oldest window is forgotten first): memory stays bounded. */
  readonly maxTracked: number;
  /** Windows are measured in monotonic time (virtual in tests), never the node's clock. */
  readonly monotonic: Monotonic;
}

export const DEFAULT_LOGIN_MAX_TRACKED = 10_000;

/** For /metrics. */
export interface LoginThrottleStats {
  /** Failed logins counted (wrong secret, unknown or revoked identity). */
  readonly failures: number;
  /** Attempts refused with AUTHENTICATION_THROTTLED (not checked at all). */
  readonly throttled: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/**
 * Failed-login throttling per identity and per address (issue 17): once an identity, or an address, has failed
 * `maxFailures` times in a window of `windowMs` (counted from its first failure), every attempt of it is refused
 * with AUTHENTICATION_THROTTLED and Retry-After (the rest of the window) until the window ends, before any
 * secret is checked. A successful login ends the identity's window (not the address's). Memory is bounded:
 * at most `maxTracked` identities and as many addresses, the oldest forgotten first, so a spray of made-up
 * identities from many addresses can evict a throttled one; each address stays throttled on its own.
 */
export class LoginThrottle {
  private readonly identities = new Map<string, Window>();
  private readonly addresses = new Map<string, Window>();
  private failures = 0;
  private throttled = 0;

  constructor(private readonly options: LoginThrottleOptions) {}

  /** Throws AUTHENTICATION_THROTTLED when `identity` or `address` has used up its failures for now. */
  check(identity: string, address: string | undefined): void {
    const now = this.options.monotonic.now();
    const waitMs = Math.max(this.blockedFor(this.identities, identity, now), address === undefined ? 0 : this.blockedFor(this.addresses, address, now));
    if (waitMs <= 0) return;
    this.throttled++;
    const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new IdnodeError(
      'AUTHENTICATION_THROTTLED',
      `too many failed logins for "${identity}" or from this address: try again in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }

  failed(identity: string, address: string | undefined): void {
    this.failures++;
    const now = this.options.monotonic.now();
    this.count(this.identities, identity, now);
    if (address !== undefined) this.count(this.addresses, address, now);
  }

  succeeded(identity: string): void {
    this.identities.delete(identity);
  }

  stats(): LoginThrottleStats {
    return { failures: this.failures, throttled: this.throttled };
  }

  /** Ms until `key` may try again; 0 when it may now. */
  private blockedFor(windows: Map<string, Window>, key: string, now: number): number {
    const window = windows.get(key);
    if (window === undefined || window.failures < this.options.maxFailures) return 0;
    return window.startedAt + this.options.windowMs - now;
  }

  private count(windows: Map<string, Window>, key: string, now: number): void {
    let window = windows.get(key);
    if (window === undefined || now - window.startedAt >= this.options.windowMs) {
      windows.delete(key);
      if (windows.size >= this.options.maxTracked) windows.delete(windows.keys().next().value!);
      window = { startedAt: now, failures: 0 };
      windows.set(key, window);
    }
    window.failures++;
  }
}
