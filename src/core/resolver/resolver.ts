import { canReadPrivate } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { CachedAnswer } from '../cache/resolution-cache.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import { parseIdentifier } from '../identifier/identifier.js';
import type { HandleValue } from '../values/handle-value.js';
import type { Lookup, ResolveContext } from './pipeline.js';

export interface ResolveQuery {
  /** As received; parsed and normalised here. */
  readonly handle: string;
  /** Index and type filters: a value is returned if it matches any of them; none given means all values. */
  readonly indexes?: readonly number[];
  readonly types?: readonly string[];
  readonly principal: Principal;
  readonly protocol: string;
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

/** The read path: parse, check homing, run the pipeline (metering → cache → store), filter. */
export class Resolver {
  constructor(
    private readonly homing: HomedPrefixes,
    private readonly pipeline: (context: ResolveContext) => Promise<Lookup> | Lookup,
  ) {}

  /** Throws IdnodeError for an invalid identifier (IDENTIFIER_*, PREFIX_*) or an unhomed prefix (NOT_HOMED). */
  async resolve(query: ResolveQuery): Promise<Resolution> {
    const { handle, prefix } = parseIdentifier(query.handle);
    this.homing.assertHomed(prefix, handle);
    const lookup = await this.pipeline({ handle, prefix, protocol: query.protocol });
    const answer = lookup.answer;
    if (!answer.record) return { status: 'not-found', handle, values: [], answer, publicView: false };
    const privileged = canReadPrivate(query.principal, prefix);
    const visible = privileged ? answer.record.values : answer.publicValues;
    const filtered = filterValues(visible, query.indexes, query.types);
    return {
      status: filtered.length > 0 ? 'found' : 'no-values',
      handle,
      values: filtered,
      answer,
      publicView: !privileged && filtered === visible,
    };
  }
}

/** Returns `values` itself when no filter is given (so callers can tell an unfiltered view by identity). */
export function filterValues(values: readonly HandleValue[], indexes: readonly number[] = [], types: readonly string[] = []): readonly HandleValue[] {
  if (indexes.length === 0 && types.length === 0) return values;
  return values.filter((value) => indexes.includes(value.index) || types.includes(value.type));
}
