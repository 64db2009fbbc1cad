import { assertCanList, assertCanWrite } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import type { ResolutionCache } from '../cache/resolution-cache.js';
import type { Clock, Random } from '../clock/clock.js';
import type { MeteringDay } from '../clock/metering-day.js';
import { IdnodeError, isIdnodeError } from '../errors/catalogue.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import { normalisePrefix, parseIdentifier } from '../identifier/identifier.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Metering } from '../metering/metering.js';
import type { HandleStore, HandleWrite, WriteContext, WriteOutcome } from '../store/store.js';
import { DEFAULT_ADMIN_PERMISSIONS, DEFAULT_PERMISSIONS, DEFAULT_TTL_SECONDS, INDEX_HS_ADMIN, wireTimestamp, type HandleValue } from '../values/handle-value.js';
import { validateValues } from '../values/validate-values.js';

export interface RegistryLimits {
  /** Values one identifier may hold. */
  readonly maxValues: number;
  /** UTF-8 bytes of one value's data. */
  readonly maxDataBytes: number;
}

export interface PutRequest {
  readonly principal: Principal;
  /** As received. With `mintSuffix`, a prefix followed by "/" (the suffix is minted here). */
  readonly handle: string;
  /** The wire values (decoded JSON array), validated here. */
  readonly values: unknown;
  /** false: create only, an existing identifier (or, with `indexes`, an existing value) is a conflict. */
  readonly overwrite: boolean;
  /** When given, only the values at these indexes are written and the identifier's other values are kept. */
  readonly indexes?: readonly number[];
  readonly mintSuffix?: boolean;
  readonly protocol: string;
  /** Request-scoped logger (carries the request id). */
  readonly log?: Logger;
}

export interface DeleteRequest {
  readonly principal: Principal;
  readonly handle: string;
  /** When given, only these values are deleted. */
  readonly indexes?: readonly number[];
  readonly protocol: string;
  readonly log?: Logger;
}

export interface ListRequest {
  readonly principal: Principal;
  readonly prefix: string;
  readonly page: number;
  readonly pageSize: number;
}

export interface WriteResult {
  readonly handle: string;
  readonly status: 'created' | 'updated' | 'deleted' | 'unchanged';
}

/**
 * The write path (DESIGN §1–§2): parse, check homing, authorise, validate, then commit through the store
 * (which counts registrations in the same transaction) and invalidate the cache. Every refusal is logged
 * and metered, and changes nothing.
 */
export class Registry {
  private lastAdmin: { readonly principalId: string; readonly value: HandleValue } | undefined;

  constructor(
    private readonly store: HandleStore,
    private readonly homing: HomedPrefixes,
    private readonly cache: ResolutionCache,
    private readonly metering: Metering,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly meteringDay: MeteringDay,
    private readonly limits: RegistryLimits,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** Creates or changes an identifier. Throws IdnodeError (nothing changed) on any refusal. */
  async put(request: PutRequest): Promise<WriteResult> {
    return this.refusalsCounted(request, async (context) => {
      const write = this.preparePut(request, context.nowMs);
      const [outcome] = await this.store.applyWrites([write], context);
      return this.settle(write, outcome!, request);
    });
  }

  /** Deletes an identifier, or some of its values. Throws IdnodeError (nothing changed) on any refusal. */
  async delete(request: DeleteRequest): Promise<WriteResult> {
    return this.refusalsCounted(request, async (context) => {
      const { handle, prefix } = this.authorised(request.principal, request.handle);
      const write: HandleWrite = request.indexes?.length
        ? { op: 'delete-values', handle, prefix, indexes: request.indexes }
        : { op: 'delete', handle, prefix };
      const [outcome] = await this.store.applyWrites([write], context);
      return this.settle(write, outcome!, request);
    });
  }

  /** Identifiers under exactly `prefix`, a page at a time (operator or the enterprise holding the prefix). */
  async list(request: ListRequest): Promise<{ prefix: string; total: number; handles: string[] }> {
    const prefix = normalisePrefix(request.prefix);
    // No identifier is involved, so the refusal names the prefix only (no `handle` on the wire).
    if (this.homing.homeOf(prefix) === undefined) throw new IdnodeError('NOT_HOMED', `prefix ${prefix} is not homed on this node`);
    assertCanList(request.principal, prefix);
    const { total, handles } = await this.store.listHandles(prefix, request.page * request.pageSize, request.pageSize);
    return { prefix, total, handles };
  }

  /** Validates a put into the store write it stands for. Throws IdnodeError. */
  preparePut(request: PutRequest, nowMs: number): HandleWrite {
    const raw = request.mintSuffix ? mintedHandle(request.handle, this.random) : request.handle;
    const { handle, prefix } = this.authorised(request.principal, raw);
    let values = validateValues(request.values, { nowMs, maxValues: this.limits.maxValues, maxDataBytes: this.limits.maxDataBytes });
    if (request.indexes?.length) {
      const wanted = new Set(request.indexes);
      values = values.filter((value) => wanted.has(value.index));
      if (values.length === 0) {
        throw new IdnodeError('VALUES_MISSING', `none of the values has an index named by the index parameter (${request.indexes.join(', ')})`, { handle });
      }
      const admin = this.defaultAdmin(values, request.principal, nowMs);
      return { op: 'merge', handle, prefix, values, overwrite: request.overwrite, ...(admin ? { addIfCreated: [admin] } : {}) };
    }
    const admin = this.defaultAdmin(values, request.principal, nowMs);
    if (admin) insertInIndexOrder(values, admin);
    return request.overwrite ? { op: 'replace', handle, prefix, values } : { op: 'create', handle, prefix, values };
  }

  /**
   * The HS_ADMIN value a new identifier gets (see defaultAdmin). The last one made is kept and shared, as
   * values are immutable: a bulk import of one enterprise needs one a second, not one an identifier.
   */
  private defaultAdmin(values: readonly HandleValue[], principal: Principal, nowMs: number): HandleValue | undefined {
    if (principal.kind === 'anonymous' || values.some((value) => value.type === 'HS_ADMIN' || value.index === INDEX_HS_ADMIN)) return undefined;
    const last = this.lastAdmin;
    if (last !== undefined && last.principalId === principal.id && last.value.timestamp === wireTimestamp(nowMs)) return last.value;
    const value = defaultAdmin(principal.id, nowMs);
    this.lastAdmin = { principalId: principal.id, value };
    return value;
  }

  /** The write context for now: time, metering day, protocol. */
  writeContext(protocol: string): WriteContext {
    const nowMs = this.clock.now();
    return { nowMs, day: this.meteringDay.dayOf(nowMs), protocol };
  }

  /**
   * Syntax and homing come before the caller: an identifier this node does not serve is NOT_HOMED for every
   * caller (as on the read path), and which prefixes are homed is public anyway (GET /api/prefixes).
   * Throws IDENTIFIER_*, PREFIX_*, NOT_HOMED, then AUTHENTICATION_REQUIRED or PERMISSION_DENIED.
   */
  private authorised(principal: Principal, raw: string): { handle: string; prefix: string } {
    const { handle, prefix } = parseIdentifier(raw);
    this.homing.assertHomed(prefix, handle);
    assertCanWrite(principal, prefix, handle);
    return { handle, prefix };
  }

  /** Maps a store outcome to the result or the catalogue error, invalidates and logs. */
  private settle(write: HandleWrite, outcome: WriteOutcome, request: { principal: Principal; protocol: string; log?: Logger }): WriteResult {
    const handle = outcome.handle;
    switch (outcome.status) {
      case 'created':
      case 'updated':
      case 'deleted':
      case 'unchanged':
        if (outcome.status !== 'unchanged') this.cache.invalidate(handle);
        (request.log ?? this.logger).info(
          { handle, op: write.op, outcome: outcome.status, principal: principalId(request.principal), protocol: request.protocol },
          'write committed',
        );
        return { handle, status: outcome.status };
      case 'exists':
        throw new IdnodeError('HANDLE_ALREADY_EXISTS', `${handle} already exists (overwrite=false)`, { handle });
      case 'value-exists':
        throw new IdnodeError('VALUE_ALREADY_EXISTS', `${handle} already has a value at one of the indexes written (overwrite=false)`, { handle });
      case 'not-found':
        throw new IdnodeError('HANDLE_NOT_FOUND', `${handle} does not exist`, { handle });
      case 'would-empty':
        throw new IdnodeError('VALUES_WOULD_BE_EMPTY', `deleting those values would leave ${handle} with none; delete the identifier instead`, { handle });
    }
  }

  private async refusalsCounted(
    request: { principal: Principal; handle: string; protocol: string; log?: Logger },
    work: (context: WriteContext) => Promise<WriteResult>,
  ): Promise<WriteResult> {
    try {
      return await work(this.writeContext(request.protocol));
    } catch (error) {
      const prefix = prefixOrEmpty(request.handle);
      const log = request.log ?? this.logger;
      if (isIdnodeError(error)) {
        this.metering.countRefused(prefix, request.protocol);
        log.warn({ handle: request.handle, code: error.code, principal: principalId(request.principal), protocol: request.protocol }, `write refused: ${error.message}`);
      } else {
        log.error({ err: error, handle: request.handle, protocol: request.protocol }, 'write failed');
      }
      throw error;
    }
  }
}

function mintedHandle(raw: string, random: Random): string {
  if (!raw.endsWith('/')) {
    throw new IdnodeError('REQUEST_INVALID', `mintNewSuffix=true needs a path ending in "/" (a prefix), got ${raw}`, { handle: raw });
  }
  return raw + random.uuid();
}

/** Adds `value` to `values` (sorted by index, none at value's index) where its index puts it. */
function insertInIndexOrder(values: HandleValue[], value: HandleValue): void {
  let at = 0;
  while (at < values.length && values[at]!.index < value.index) at++;
  values.splice(at, 0, value);
}

/**
 * HANDLE.NET adds an HS_ADMIN value when a new identifier arrives without one; so do we, naming the writer's
 * identity (`principalId`) as admin, so every identifier records who administers it.
 */
function defaultAdmin(principalId: string, nowMs: number): HandleValue {
  // Identities are normalised `{index}:{handle}` (see normaliseIdentity).
  const colon = principalId.indexOf(':');
  return {
    index: INDEX_HS_ADMIN,
    type: 'HS_ADMIN',
    data: {
      format: 'admin',
      value: { handle: principalId.slice(colon + 1), index: Number(principalId.slice(0, colon)), permissions: DEFAULT_ADMIN_PERMISSIONS },
    },
    ttl: DEFAULT_TTL_SECONDS,
    timestamp: wireTimestamp(nowMs),
    permissions: DEFAULT_PERMISSIONS,
    references: [],
  };
}

function principalId(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.id;
}

function prefixOrEmpty(raw: string): string {
  try {
    return parseIdentifier(raw.endsWith('/') ? `${raw}x` : raw).prefix;
  } catch {
    return '';
  }
}
