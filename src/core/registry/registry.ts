import { assertNotPrefixHandle } from '../resolver/stages/prefix-handle-route.js';
import { assertCanList, assertCanWrite } from '../auth/access.js';
import { withSecretKeysHashed } from '../auth/secret-keys.js';
import { principalId, type Principal } from '../auth/principal.js';
import type { ResolutionCache } from '../cache/resolution-cache.js';
import type { Clock, Random } from '../clock/clock.js';
import type { MeteringDay } from '../clock/metering-day.js';
import type { SimulatedDays } from '../clock/simulated-days.js';
import type { Quotas } from '../quotas/quotas.js';
import { IdnodeError, isIdnodeError } from '../errors/catalogue.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import { normalisePrefix, parseIdentifier } from '../identifier/identifier.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { Metering } from '../metering/metering.js';
import { plainWriteChunk, type HandleStore, type HandleWrite, type WriteChunk, type WriteContext, type WriteOutcome, type WriteStatus } from '../store/store.js';
import { DEFAULT_ADMIN_PERMISSIONS, DEFAULT_PERMISSIONS, DEFAULT_TTL_SECONDS, INDEX_HS_ADMIN, wireTimestamp, type HandleValue } from '../values/handle-value.js';
import { validateValues } from '../values/validate-values.js';
import type { MetadataTemplate } from '../templates/template.js';
import { assertFollowsTemplate, templateReference } from '../templates/template-check.js';

export interface RegistryLimits {
  /** Values one identifier may hold. */
  readonly maxValues: number;
  /** UTF-8 bytes of one value's data. */
  readonly maxDataBytes: number;
}

/** Who writes, and through which front end: the subject of the write log and of refusal counts. */
export interface Writer {
  readonly principal: Principal;
  /** The front end (rest, grpc, cli): recorded in counters and logs. */
  readonly protocol: string;
  /** Request-scoped logger (carries the request id); defaults to the registry's. */
  readonly log?: Logger;
}

/** Where a refused item stood in a bulk request (for the log). */
export interface ItemPlace {
  /** 0-based position in the batch or stream. */
  readonly position: number;
  /** 1-based line of an NDJSON body. */
  readonly line?: number;
}

export interface PutRequest extends Writer {
  /** As received. With `mintSuffix`, a prefix followed by "/" (the suffix is minted here). */
  readonly handle: string;
  /** The wire values (decoded JSON array), validated here. */
  readonly values: unknown;
  /** false: create only, an existing identifier (or, with `indexes`, an existing value) is a conflict. */
  readonly overwrite: boolean;
  /** When given, only the values at these indexes are written and the identifier's other values are kept. */
  readonly indexes?: readonly number[];
  readonly mintSuffix?: boolean;
  /**
   * The metadata template the identifier is registered against (resolved by the caller through node.templates):
   * the values are checked against it (TEMPLATE_VIOLATED naming every violated item) and the reference to its
   * version is written at index 1001. It must be a template of the identifier's own prefix. Not with `indexes`.
   */
  readonly template?: MetadataTemplate;
}

export interface DeleteRequest extends Writer {
  readonly handle: string;
  /** When given, only these values are deleted. */
  readonly indexes?: readonly number[];
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
 * The one write path (docs/design.md §1–§2), for single writes and for the bulk session alike: parse, check homing,
 * authorise, validate (preparePut), then commit (commit: the store write, which counts registrations in the
 * same transaction, the cache invalidation and the write log). Every refusal is counted and logged here
 * (refused), and changes nothing.
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
    /** Told the day of every commit before it is made (see SimulatedDays.mark). */
    private readonly simulatedDays?: Pick<SimulatedDays, 'mark'>,
    /** Asked before a write that may create an identifier, told of each created (the daily registration quota). */
    private readonly quotas?: Pick<Quotas, 'checkRegistration' | 'registered'>,
  ) {}

  /** Creates or changes an identifier. Throws IdnodeError (nothing changed) on any refusal. */
  async put(request: PutRequest): Promise<WriteResult> {
    return this.refusalsCounted(request, async (context) => {
      const write = this.preparePut(request, context.nowMs);
      const [outcome] = await this.commit([write], context, request);
      return resultOf(outcome!);
    });
  }

  /** Deletes an identifier, or some of its values. Throws IdnodeError (nothing changed) on any refusal. */
  async delete(request: DeleteRequest): Promise<WriteResult> {
    return this.refusalsCounted(request, async (context) => {
      const { handle, prefix } = this.authorised(request.principal, request.handle);
      const write: HandleWrite = request.indexes?.length
        ? { op: 'delete-values', handle, prefix, indexes: request.indexes }
        : { op: 'delete', handle, prefix };
      const [outcome] = await this.commit([write], context, request);
      return resultOf(outcome!);
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
    // Every put may create the identifier, so each is checked against the registration quota.
    this.quotas?.checkRegistration(prefix, handle);
    // Secret keys are hashed here, on the one write path, so no secret ever reaches the store.
    let values = withSecretKeysHashed(validateValues(request.values, { nowMs, maxValues: this.limits.maxValues, maxDataBytes: this.limits.maxDataBytes }), this.random);
    if (request.template !== undefined) {
      if (request.indexes?.length) throw new IdnodeError('REQUEST_INVALID', 'a write naming a template writes every value; it cannot be limited to some indexes', { handle });
      if (request.template.prefix !== prefix) {
        throw new IdnodeError('TEMPLATE_NOT_FOUND', `template ${request.template.prefix} ${request.template.version} is not a template of prefix ${prefix}`, { handle });
      }
      assertFollowsTemplate(handle, values, request.template);
      insertInIndexOrder(values, templateReference(request.template.version, nowMs));
    }
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
   * Throws IDENTIFIER_*, PREFIX_*, PREFIX_HANDLE_DERIVED (0.NA/…, derived, never stored), NOT_HOMED, then
   * AUTHENTICATION_REQUIRED or PERMISSION_DENIED.
   */
  private authorised(principal: Principal, raw: string): { handle: string; prefix: string } {
    const { handle, prefix } = parseIdentifier(raw);
    assertNotPrefixHandle(prefix, handle);
    this.homing.assertHomed(prefix, handle);
    assertCanWrite(principal, prefix, handle);
    return { handle, prefix };
  }

  /**
   * A chunk to gather prepared writes for one commit in, which the store may encode as they are added
   * (HandleStore.startWriteChunk): a bulk session's, so the hand-over of a full chunk is short.
   */
  startWriteChunk(expected: number): WriteChunk {
    return this.store.startWriteChunk?.(expected) ?? plainWriteChunk();
  }

  /** Whether commits made one after another without waiting take effect in that order (HandleStore.commitsInCallOrder). */
  get commitsInCallOrder(): boolean {
    return this.store.commitsInCallOrder === true;
  }

  /**
   * Commits prepared writes in one store transaction (see Store.applyWrites: one outcome per write, in
   * order; registrations counted in the same transaction), drops every identifier they changed from the
   * cache, and logs what took effect: the write itself when one was given, the counts when many (a bulk
   * session reports its items itself). An empty list is a no-op. Throws what the store throws (nothing
   * committed, nothing logged here).
   */
  async commit(writes: readonly HandleWrite[], context: WriteContext, writer: Writer): Promise<WriteOutcome[]> {
    if (writes.length === 0) return [];
    await this.simulatedDays?.mark(context.day);
    const outcomes = await this.store.applyWrites(writes, context);
    let created = 0;
    let updated = 0;
    let deleted = 0;
    for (const [at, outcome] of outcomes.entries()) {
      switch (outcome.status) {
        case 'created':
          created++;
          this.quotas?.registered(writes[at]!.prefix, 1);
          this.metering.committed('registration', writes[at]!.prefix, context.protocol);
          break;
        case 'updated':
          updated++;
          this.metering.committed('update', writes[at]!.prefix, context.protocol);
          break;
        case 'deleted':
          deleted++;
          this.metering.committed('delete', writes[at]!.prefix, context.protocol);
          break;
        default:
          continue;
      }
      this.cache.invalidate(outcome.handle);
    }
    const log = writer.log ?? this.logger;
    const principal = principalId(writer.principal);
    if (outcomes.length === 1) {
      const { handle, status } = outcomes[0]!;
      if (TOOK_EFFECT.has(status)) log.info({ handle, op: writes[0]!.op, outcome: status, principal, protocol: writer.protocol }, 'write committed');
    } else if (created + updated + deleted > 0) {
      log.info({ writes: writes.length, created, updated, deleted, principal, protocol: writer.protocol }, 'writes committed');
    }
    return outcomes;
  }

  /**
   * Counts a refused write (Metering.countRefused) under the prefix `handle` names, "" when it names none
   * or no identifier was looked at, and logs it with its place in a bulk request. Returns `error`.
   */
  refused(error: IdnodeError, writer: Writer, handle?: string, place?: ItemPlace): IdnodeError {
    this.metering.countRefused(handle === undefined ? '' : prefixOrEmpty(handle), writer.protocol);
    (writer.log ?? this.logger).warn(
      { ...(handle === undefined ? {} : { handle }), ...place, code: error.code, principal: principalId(writer.principal), protocol: writer.protocol },
      `write refused: ${error.message}`,
    );
    return error;
  }

  private async refusalsCounted(request: Writer & { readonly handle: string }, work: (context: WriteContext) => Promise<WriteResult>): Promise<WriteResult> {
    try {
      return await work(this.writeContext(request.protocol));
    } catch (error) {
      if (isIdnodeError(error)) throw this.refused(error, request, request.handle);
      (request.log ?? this.logger).error({ err: error, handle: request.handle, protocol: request.protocol }, 'write failed');
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

/** Store outcomes that are a write's result; the others are refusals (see resultOf). */
const TOOK_EFFECT: ReadonlySet<WriteStatus> = new Set(['created', 'updated', 'deleted', 'unchanged']);

/** A single write's result, or the catalogue error its outcome stands for. */
function resultOf(outcome: WriteOutcome): WriteResult {
  const handle = outcome.handle;
  switch (outcome.status) {
    case 'created':
    case 'updated':
    case 'deleted':
    case 'unchanged':
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

/**
 * The prefix a refusal is counted under: the one `raw` names, or "" when it names none. A prefix followed
 * by "/" names that prefix (a mintSuffix request, or an item with an empty suffix).
 */
function prefixOrEmpty(raw: string): string {
  try {
    return parseIdentifier(raw.endsWith('/') ? `${raw}x` : raw).prefix;
  } catch {
    return '';
  }
}
