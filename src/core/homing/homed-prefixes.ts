import { assertOperator } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';
import { IdnodeError } from '../errors/catalogue.js';
import { isUnderPrefix, normalisePrefix } from '../identifier/identifier.js';
import type { Clock } from '../clock/clock.js';
import type { HomedPrefix, HomingStore } from '../store/store.js';

/**
 * The prefixes this node is responsible for: those named in configuration (re-asserted at every start) and
 * those an operator homed over the API. An identifier is served here iff its prefix is a homed prefix or
 * lies below one. Kept in memory because every request asks; a prefix homed through another replica is
 * seen here after that replica's next restart or this one's (documented in README, "Replicas").
 */
export class HomedPrefixes {
  private prefixes: HomedPrefix[] = [];
  private readonly unhomedListeners: ((prefix: string) => void)[] = [];
  private readonly homedListeners: ((prefix: string) => void)[] = [];

  private constructor(
    private readonly store: HomingStore,
    private readonly clock: Clock,
  ) {}

  /** Loads the homed set and makes the configured prefixes (normalised) exactly the config-homed ones; throws for an invalid one. */
  static async load(store: HomingStore, clock: Clock, configured: readonly string[]): Promise<HomedPrefixes> {
    const homing = new HomedPrefixes(store, clock);
    const wanted = new Set(configured.map(normalisePrefix));
    // A prefix dropped from the configuration stops being homed; one homed over the API stays.
    for (const stored of await store.listHomedPrefixes()) {
      if (stored.source === 'config' && !wanted.has(stored.prefix)) await store.removeHomedPrefix(stored.prefix);
    }
    for (const prefix of wanted) {
      await store.addHomedPrefix({ prefix, source: 'config', createdAtMs: clock.now() });
    }
    homing.prefixes = await store.listHomedPrefixes();
    return homing;
  }

  list(): readonly HomedPrefix[] {
    return this.prefixes;
  }

  /** The homed prefix `prefix` lies under, or `undefined` when this node is not responsible for it. */
  homeOf(prefix: string): string | undefined {
    for (const homed of this.prefixes) if (isUnderPrefix(prefix, homed.prefix)) return homed.prefix;
    return undefined;
  }

  /** Throws NOT_HOMED naming the identifier when its prefix is not served here. */
  assertHomed(prefix: string, handle: string): void {
    if (this.homeOf(prefix) === undefined) throw notHomedError(prefix, handle);
  }

  /**
   * Calls `listener` with each prefix unhomed from now on, once the store has dropped it (the resolution
   * cache, which answers before homing is looked at, forgets the prefix's identifiers then).
   */
  onUnhomed(listener: (prefix: string) => void): void {
    this.unhomedListeners.push(listener);
  }

  /** Calls `listener` with each prefix homed at run time from now on, once the store holds it. */
  onHomed(listener: (prefix: string) => void): void {
    this.homedListeners.push(listener);
  }

  /**
   * Homes `input` at run time, for the operator; listing the homed prefixes (list) is public. Throws
   * AUTHENTICATION_REQUIRED / PERMISSION_DENIED (anyone but the operator), then REQUEST_INVALID when `input`
   * is not text, a PREFIX_* code when it is no prefix, PREFIX_ALREADY_HOMED when it is homed. Returns the
   * normalised prefix.
   */
  async add(principal: Principal, input: unknown): Promise<string> {
    assertOperator(principal, 'homing a prefix');
    if (typeof input !== 'string') throw new IdnodeError('REQUEST_INVALID', 'name the prefix to home, e.g. "88.777"');
    const prefix = normalisePrefix(input);
    const added = await this.store.addHomedPrefix({ prefix, source: 'api', createdAtMs: this.clock.now() });
    if (!added) throw new IdnodeError('PREFIX_ALREADY_HOMED', `prefix ${prefix} is already homed on this node`);
    this.prefixes = await this.store.listHomedPrefixes();
    for (const listener of this.homedListeners) listener(prefix);
    return prefix;
  }

  /**
   * Unhomes a prefix homed over the API, for the operator. Throws AUTHENTICATION_REQUIRED / PERMISSION_DENIED
   * (anyone but the operator), then NOT_HOMED or PREFIX_CONFIGURED.
   */
  async remove(principal: Principal, input: string): Promise<string> {
    assertOperator(principal, 'unhoming a prefix');
    const prefix = normalisePrefix(input);
    const homed = this.prefixes.find((candidate) => candidate.prefix === prefix);
    if (!homed) throw new IdnodeError('NOT_HOMED', `prefix ${prefix} is not homed on this node`);
    if (homed.source === 'config') {
      throw new IdnodeError('PREFIX_CONFIGURED', `prefix ${prefix} is homed by the node's configuration; remove it there`);
    }
    await this.store.removeHomedPrefix(prefix);
    this.prefixes = await this.store.listHomedPrefixes();
    for (const listener of this.unhomedListeners) listener(prefix);
    return prefix;
  }
}

/** The refusal of an identifier this node does not serve (the read path's answer and the write path's). */
export function notHomedError(prefix: string, handle: string): IdnodeError {
  return new IdnodeError('NOT_HOMED', `prefix ${prefix} is not homed on this node, so ${handle} does not live here`, { handle });
}
