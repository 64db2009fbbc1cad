import type { WireValue } from '../../core/values/wire-value.js';

/** What `idnode resolve` asks, whichever transport carries it. */
export interface ResolveQuery {
  readonly handle: string;
  /** Values at any of these indexes OR of any of these types; both empty: every value. */
  readonly indexes: readonly number[];
  readonly types: readonly string[];
  /** Per attempt: the UDP question, the TCP retry, or the HTTP request. */
  readonly timeoutMs: number;
  /**
   * Recursive resolution only: how many nodes referred this resolution (REST: the REFERRAL_HOPS_HEADER;
   * the Handle protocol: the header's recursion count). Absent: 0, a client asking.
   */
  readonly referralHops?: number;
}

/** How the answer came: over the Handle protocol (UDP, or TCP after a truncated or missing UDP answer) or REST. */
export type Transport = 'udp' | 'tcp' | 'rest';

/**
 * A successful resolution, in the HANDLE.NET JSON REST shape whichever transport carried it, so the JSON a
 * script reads does not depend on the transport: responseCode 1 with values, or 200 (values not found) with none.
 */
export interface Resolved {
  readonly via: Transport;
  readonly responseCode: number;
  readonly handle: string;
  readonly values: readonly WireValue[];
}

/**
 * The node answered, with a Handle response code other than success (1) or values not found (200): handle
 * not found (100), invalid handle (102), not homed here (301), server too busy (3), …. Not an IdnodeError:
 * the code is the remote node's, not a failure of this process.
 */
export class HandleErrorAnswer extends Error {
  constructor(
    readonly via: Transport,
    readonly responseCode: number,
    /** The response code's meaning (RFC 3652 §2.2.2.3), e.g. "handle not found". */
    readonly meaning: string,
    message: string,
    readonly handle: string,
  ) {
    super(message);
    this.name = 'HandleErrorAnswer';
  }
}
