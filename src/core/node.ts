import { Authenticator } from './auth/authenticator.js';
import { ResolutionCache, type CacheOptions } from './cache/resolution-cache.js';
import type { Clock, Random } from './clock/clock.js';
import { MeteringDay } from './clock/metering-day.js';
import { PrincipalsAdmin } from './enterprises/principals-admin.js';
import { HomedPrefixes } from './homing/homed-prefixes.js';
import type { Logger } from './log/logger.js';
import { Metering } from './metering/metering.js';
import { Registry, type RegistryLimits } from './registry/registry.js';
import { composePipeline } from './resolver/pipeline.js';
import { Resolver } from './resolver/resolver.js';
import { cacheStage } from './resolver/stages/cache-stage.js';
import { meteringStage } from './resolver/stages/metering-stage.js';
import { storeStage } from './resolver/stages/store-stage.js';
import type { Store } from './store/store.js';

/** The part of the validated configuration the core reads. */
export interface CoreConfig {
  readonly nodePrefixes: readonly string[];
  /** IANA zone of the metering day (the award policy's). */
  readonly timeZone: string;
  readonly cache: Omit<CacheOptions, 'perf'>;
  readonly limits: RegistryLimits;
  readonly meteringFlushIntervalMs: number;
}

export interface NodeDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** Monotonic time for cache expiry; defaults to performance. */
  readonly perf?: { now(): number };
}

/**
 * The node's core: every service the front ends call, wired once. It does no network I/O of its own; the
 * store is the only I/O it reaches, through the Store interface.
 */
export class IdNode {
  private constructor(
    readonly config: CoreConfig,
    readonly store: Store,
    readonly clock: Clock,
    readonly homing: HomedPrefixes,
    readonly cache: ResolutionCache,
    readonly metering: Metering,
    readonly resolver: Resolver,
    readonly registry: Registry,
    readonly principals: PrincipalsAdmin,
    readonly authenticator: Authenticator,
    private readonly unsubscribe: () => void,
  ) {}

  /** Throws for an invalid node prefix or time zone (configuration is validated earlier; this is the backstop). */
  static async create(config: CoreConfig, deps: NodeDependencies): Promise<IdNode> {
    const { store, clock, random, logger } = deps;
    const meteringDay = new MeteringDay(config.timeZone);
    const homing = await HomedPrefixes.load(store, clock, config.nodePrefixes);
    const cache = new ResolutionCache({ ...config.cache, ...(deps.perf ? { perf: deps.perf } : {}) });
    const metering = new Metering(store, clock, meteringDay, logger, config.meteringFlushIntervalMs);
    // The declared resolution order (DESIGN §3): metering → cache → local store.
    const pipeline = composePipeline([meteringStage(metering), cacheStage(cache), storeStage(store)]);
    const resolver = new Resolver(homing, pipeline);
    const registry = new Registry(store, homing, cache, metering, clock, random, meteringDay, config.limits, logger);
    const principals = new PrincipalsAdmin(store, homing, clock, random);
    const unsubscribe = store.onForeignChange((handle) => (handle === undefined ? cache.clear() : cache.invalidate(handle)));
    metering.start();
    return new IdNode(config, store, clock, homing, cache, metering, resolver, registry, principals, new Authenticator(store), unsubscribe);
  }

  /** Flushes metering and stops listening; the store is closed by whoever opened it. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.metering.close();
  }
}
