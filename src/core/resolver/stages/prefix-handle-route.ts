import { enterpriseIdentity, IDENTITY_INDEX } from '../../auth/principal.js';
import { answerFor } from '../../cache/resolution-cache.js';
import { IdnodeError } from '../../errors/catalogue.js';
import type { HomedPrefixes } from '../../homing/homed-prefixes.js';
import { normalisePrefix, type Identifier } from '../../identifier/identifier.js';
import type { NodeSite } from '../../site/node-site.js';
import type { HandleRecord, PrincipalStore } from '../../store/store.js';
import { DEFAULT_PERMISSIONS, DEFAULT_TTL_SECONDS, INDEX_HS_ADMIN, wireTimestamp, type HandleValue } from '../../values/handle-value.js';
import type { Lookup, ResolveContext } from '../pipeline.js';
import type { Route } from './router-stage.js';

/** The prefix of the prefix handles (RFC 3651 §3.1: 0.NA/<prefix> describes a prefix's service). */
export const PREFIX_HANDLE_PREFIX = '0.NA';
/** The index of the HS_SITE value, as HANDLE.NET's prefix handles hold it. */
export const INDEX_HS_SITE = 1;
/** The index of the HS_ADMIN value naming the enterprise an allocated prefix belongs to. */
export const INDEX_ENTERPRISE_ADMIN = INDEX_HS_ADMIN + 1;
/** The operator may do everything on a homed prefix, allocating enterprise prefixes (add/delete NA) included. */
export const OPERATOR_PREFIX_PERMISSIONS = '111111111111';
/** An enterprise may do everything under its prefix except derive prefixes (add/delete NA). */
export const ENTERPRISE_PREFIX_PERMISSIONS = '110011111111';

/**
 * A prefix handle names a prefix, and prefixes are case-insensitive: 0.NA/88.999.demo is 0.NA/88.999.DEMO
 * (one cache entry, one answer). Any other identifier, and a 0.NA handle whose suffix is no prefix (the route
 * refuses it), is returned as it is.
 */
export function canonicalPrefixHandle(identifier: Identifier): Identifier {
  if (identifier.prefix !== PREFIX_HANDLE_PREFIX) return identifier;
  try {
    const suffix = normalisePrefix(identifier.suffix);
    return suffix === identifier.suffix ? identifier : { prefix: PREFIX_HANDLE_PREFIX, suffix, handle: `${PREFIX_HANDLE_PREFIX}/${suffix}` };
  } catch {
    return identifier;
  }
}

/** Refuses a write to a prefix handle: they are derived from homing and the site, never stored. */
export function assertNotPrefixHandle(prefix: string, handle: string): void {
  if (prefix === PREFIX_HANDLE_PREFIX) {
    throw new IdnodeError(
      'PREFIX_HANDLE_DERIVED',
      `${handle} is a prefix handle: this node derives it from its homed prefixes, enterprise allocations and listeners, and stores none; home or unhome prefixes (POST/DELETE /api/prefixes) or allocate enterprise prefixes instead`,
      { handle },
    );
  }
}

export interface PrefixHandleSources {
  readonly homing: Pick<HomedPrefixes, 'list' | 'homeOf'>;
  readonly principals: Pick<PrincipalStore, 'getPrincipal'>;
  readonly site: Pick<NodeSite, 'currentBytes' | 'describedAt'>;
  /** The node prefix whose prefix handle holds the operator identity (`300:0.NA/<it>`). */
  readonly operatorPrefix: string;
  /**
   * Where the prefix handle of a prefix outside every homed one is looked up (the top-level node, when one is
   * configured: its answers have source 'federation' and are cached by TTL like any). Absent: such a prefix
   * handle is not found here (HANDLE_NOT_FOUND, HANDLE.NET's answer for it).
   */
  readonly elsewhere?: (prefix: string) => Promise<HandleRecord | undefined>;
}

/**
 * Answers the prefix handles 0.NA/<prefix> (docs/design.md §4) for the prefixes this node is responsible for,
 * derived on every miss (the cache keeps them like any answer):
 * - a homed prefix: HS_SITE (index 1, this node's site info) and HS_ADMIN (index 100) naming the operator
 *   identity 300:0.NA/<first node prefix>;
 * - an enterprise prefix allocated here: the same, plus HS_ADMIN (index 101) naming the enterprise's identity
 *   300:0.NA/<its prefix> while its credential is not revoked;
 * - any other prefix below a homed one: not found (HANDLE_NOT_FOUND);
 * - a prefix outside every homed one: the top-level node's answer when `elsewhere` is given (source
 *   'federation'), otherwise not found (HANDLE_NOT_FOUND, as HANDLE.NET answers a prefix it does not hold);
 * - a suffix that is no prefix: the PREFIX_* code naming the rule broken.
 * Answers have source 'store' (the node's own data), so they are metered as store reads and cache hits under
 * the prefix 0.NA (docs/auditing.md).
 */
export function prefixHandleRoute(sources: PrefixHandleSources): Route {
  return {
    name: 'prefix-handles',
    serves: (prefix) => prefix === PREFIX_HANDLE_PREFIX,
    async lookup(context: ResolveContext): Promise<Lookup> {
      const prefix = normalisePrefix(context.handle.slice(PREFIX_HANDLE_PREFIX.length + 1));
      const handle = `${PREFIX_HANDLE_PREFIX}/${prefix}`;
      const homed = sources.homing.list().find((candidate) => candidate.prefix === prefix);
      if (homed !== undefined) return found(sources, handle, homed.createdAtMs, []);
      if (sources.homing.homeOf(prefix) === undefined) {
        if (sources.elsewhere === undefined) return { answer: answerFor(undefined), source: 'store' };
        return { answer: answerFor(await sources.elsewhere(prefix)), source: 'federation' };
      }
      const enterprise = await sources.principals.getPrincipal(enterpriseIdentity(prefix));
      if (enterprise?.role !== 'enterprise') return { answer: answerFor(undefined), source: 'store' };
      const admins = enterprise.revokedAtMs === undefined ? [adminValue(INDEX_ENTERPRISE_ADMIN, handle, ENTERPRISE_PREFIX_PERMISSIONS, enterprise.createdAtMs)] : [];
      return found(sources, handle, enterprise.createdAtMs, admins);
    },
  };
}

function found(sources: PrefixHandleSources, handle: string, createdAtMs: number, extraAdmins: HandleValue[]): Lookup {
  const record = prefixHandleRecord({
    handle,
    siteBase64: sources.site.currentBytes().toString('base64'),
    siteDescribedAtMs: sources.site.describedAt(),
    operatorPrefix: sources.operatorPrefix,
    createdAtMs,
    extraAdmins,
  });
  return { answer: answerFor(record), source: 'store' };
}

/**
 * The record of a prefix handle as every node that answers one builds it (this node for its own prefixes, the
 * top-level node for every homed one): HS_SITE (index 1) holding the serving site's info, HS_ADMIN (index 100)
 * naming the operator identity 300:0.NA/<operatorPrefix>, then `extraAdmins`.
 */
export function prefixHandleRecord(parts: {
  readonly handle: string;
  readonly siteBase64: string;
  readonly siteDescribedAtMs: number;
  readonly operatorPrefix: string;
  readonly createdAtMs: number;
  readonly extraAdmins?: readonly HandleValue[];
}): HandleRecord {
  const site: HandleValue = {
    index: INDEX_HS_SITE,
    type: 'HS_SITE',
    // The site info's bytes, which the Handle protocol carries as the value's data; REST shows them as base64.
    data: { format: 'base64', value: parts.siteBase64 },
    ttl: DEFAULT_TTL_SECONDS,
    timestamp: wireTimestamp(parts.siteDescribedAtMs),
    permissions: DEFAULT_PERMISSIONS,
    references: [],
  };
  const operator = adminValue(INDEX_HS_ADMIN, `${PREFIX_HANDLE_PREFIX}/${parts.operatorPrefix}`, OPERATOR_PREFIX_PERMISSIONS, parts.createdAtMs);
  return {
    handle: parts.handle,
    prefix: PREFIX_HANDLE_PREFIX,
    values: [site, operator, ...(parts.extraAdmins ?? [])],
    createdAtMs: parts.createdAtMs,
    updatedAtMs: Math.max(parts.createdAtMs, parts.siteDescribedAtMs),
  };
}

function adminValue(index: number, adminHandle: string, permissions: string, timestampMs: number): HandleValue {
  return {
    index,
    type: 'HS_ADMIN',
    data: { format: 'admin', value: { handle: adminHandle, index: IDENTITY_INDEX, permissions } },
    ttl: DEFAULT_TTL_SECONDS,
    timestamp: wireTimestamp(timestampMs),
    permissions: DEFAULT_PERMISSIONS,
    references: [],
  };
}
