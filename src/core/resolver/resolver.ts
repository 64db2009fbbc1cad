import { canReadPrivate } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { CachedAnswer } from '../cache/resolution-cache.js';
import { parseIdentifier } from '../identifier/identifier.js';
import { shownValues, type HandleValue } from '../values/handle-value.js';
import type { Lookup, ResolveContext } from './pipeline.js';
import { canonicalPrefixHandle } from './stages/prefix-handle-route.js';

export interface ResolveQuery {
  /** As received; parsed and normalised here. */
  readonly handle: string;
  /** Index and type filters: a value is returned if it matches any of them; none given means all values. */
  readonly indexes?: readonly number[];
  readonly types?: readonly string[];
  readonly principal: Principal;
  readonly protocol: string;
  /** Nodes that referred this resolution here (a front end reads it from the request; default 0: a client asked). */
  readonly hops?: number;
}

/**
 * found: values non-empty. no-values: the identifier exists but no value is visible to this caller through
 * the filters (HANDLE.NET responseCode 200). not-found: no such identifier.
 */
export interface Resolution {
  readonly status: 'found' | 'no-values' | 'not-found';
  readonly handle: string;
  readonly values: readonly HandleValue[];
  readonly answer: CachedAnswer;
  /**
   * True when `values` is exactly the anonymous, unfiltered view (answer.publicValues): a front end may
   * then serve, and keep, its encoding in answer.encodings.
   */
  readonly publicView: boolean;
}

/**
 * The read path: parse, run the pipeline (metering → cache → router: the local store for homed prefixes),
 * filter what the caller may see.
 */
export class Resolver {
  /** `cached`: whether a canonical handle has a live cache entry (absent: nothing is ever warm). */
  constructor(
    private readonly pipeline: (context: ResolveContext) => Promise<Lookup> | Lookup,
    private readonly cached: (handle: string) => boolean = () => false,
  ) {}

  /**
   * True when resolving `handle` (as received) would be answered from the cache now: a cheap answer, which
   * admission does not shed (docs/overload.md, "What is shed"). False for an invalid identifier (its
   * refusal is not cheap to make elsewhere either) and for anything not cached. Never throws.
   */
  isWarm(handle: string): boolean {
    try {
      return this.cached(canonicalPrefixHandle(parseIdentifier(handle)).handle);
    } catch {
      return false;
    }
  }

  /**
   * Rejects with IdnodeError for an invalid identifier (IDENTIFIER_*, PREFIX_*), and with whatever the pipeline
   * throws: NOT_HOMED when no source serves the prefix, STORE_UNAVAILABLE when the store fails.
   */
  async resolve(query: ResolveQuery): Promise<Resolution> {
    return this.resolveEager(query);
  }

  /**
   * As resolve, but answers synchronously when every stage did (a warm cache hit), so that hit costs no
   * promise and no microtask; otherwise returns the promise. Fails as resolve does, except that a failure
   * found synchronously (an invalid identifier, a quota refused) is thrown rather than rejected: a caller
   * handles both.
   */
  resolveEager(query: ResolveQuery): Resolution | Promise<Resolution> {
    const { handle, prefix } = canonicalPrefixHandle(parseIdentifier(query.handle));
    const lookup = this.pipeline({ handle, prefix, protocol: query.protocol, hops: query.hops ?? 0 });
    return lookup instanceof Promise ? lookup.then((settled) => viewOf(query, handle, prefix, settled.answer)) : viewOf(query, handle, prefix, lookup.answer);
  }
}

/** What the caller of `query` sees of `answer`: the values it may read, through its filters. */
function viewOf(query: ResolveQuery, handle: string, prefix: string, answer: CachedAnswer): Resolution {
  const privileged = canReadPrivate(query.principal, prefix);
  // An answer read with its kept public body, asked for that very view: served without parsing the record
  // (the values are parsed only if a front end without a kept encoding reads them).
  if (answer.publicStatus !== undefined && !privileged && noFilter(query.indexes, query.types)) {
    return new PublicResolution(answer.publicStatus, handle, answer);
  }
  if (!answer.record) return { status: 'not-found', handle, values: [], answer, publicView: false };
  // Never record.values as they are: secret keys are shown to no one, the operator and the owner included.
  const visible = privileged ? shownValues(answer.record.values) : answer.publicValues;
  const filtered = filterValues(visible, query.indexes, query.types);
  return {
    status: filtered.length > 0 ? 'found' : 'no-values',
    handle,
    values: filtered,
    answer,
    publicView: !privileged && filtered === visible,
  };
}

/**
 * The anonymous, unfiltered view of an answer read with its kept public body: its values are parsed only when
 * read. A class, not an object literal with a getter: one is made per resolution, and a literal with an
 * accessor costs several times a plain allocation.
 */
class PublicResolution implements Resolution {
  readonly publicView = true;

  constructor(
    readonly status: 'found' | 'no-values',
    readonly handle: string,
    readonly answer: CachedAnswer,
  ) {}

  get values(): readonly HandleValue[] {
    return this.answer.publicValues;
  }
}

function noFilter(indexes: readonly number[] | undefined, types: readonly string[] | undefined): boolean {
  return (indexes === undefined || indexes.length === 0) && (types === undefined || types.length === 0);
}

/** Returns `values` itself when no filter is given (so callers can tell an unfiltered view by identity). */
export function filterValues(values: readonly HandleValue[], indexes: readonly number[] = [], types: readonly string[] = []): readonly HandleValue[] {
  if (noFilter(indexes, types)) return values;
  return values.filter((value) => indexes.includes(value.index) || types.includes(value.type));
}
