import { Authenticator } from './auth/authenticator.js';
import { Tokens } from './auth/tokens.js';
import { Templates } from './templates/templates.js';
import { TopLevelConnection } from './connection/top-level-connection.js';
import type { TopLevelLink } from './connection/top-level-link.js';
import { DEFAULT_LOGIN_MAX_TRACKED, LoginThrottle } from './auth/login-throttle.js';
import { BulkRegistration } from './bulk/bulk-registration.js';
import { ResolutionCache, type CacheOptions } from './cache/resolution-cache.js';
import type { Clock, Random } from './clock/clock.js';
import { MeteringDay } from './clock/metering-day.js';
import { SimulatedDays } from './clock/simulated-days.js';
import type { Monotonic } from './clock/monotonic.js';
import type { Scheduler } from './clock/scheduler.js';
import { Eligibility } from './eligibility/eligibility.js';
import type { PolicyCatalogue } from './eligibility/policy-catalogue.js';
import { PrincipalsAdmin } from './enterprises/principals-admin.js';
import { HomedPrefixes } from './homing/homed-prefixes.js';
import type { Logger } from './log/logger.js';
import { Ledger } from './ledger/ledger.js';
import { NodeKey } from './ledger/node-key.js';
import { memoryKeyVault, type KeyVault } from './ledger/key-vault.js';
import { Metering } from './metering/metering.js';
import { MeteringReports } from './metering/metering-reports.js';
import { CountedPrefixes } from './metering/counted-prefixes.js';
import type { CountObserver } from './metering/count-observer.js';
import { Quotas } from './quotas/quotas.js';
import { QuotaAdmin } from './quotas/quota-admin.js';
import { NO_LIMITS, type QuotaLimits } from './quotas/quota-limits.js';
import { quotaStage } from './resolver/stages/quota-stage.js';
import { Registry, type RegistryLimits } from './registry/registry.js';
import { composePipeline } from './resolver/pipeline.js';
import { Resolver } from './resolver/resolver.js';
import { cacheStage } from './resolver/stages/cache-stage.js';
import { meteringStage } from './resolver/stages/metering-stage.js';
import { localStoreRoute } from './resolver/stages/local-store-route.js';
import { routerStage } from './resolver/stages/router-stage.js';
import { recursiveRoute } from './resolver/stages/recursive-route.js';
import type { RemoteResolver } from './resolver/remote-resolver.js';
import { PREFIX_HANDLE_PREFIX, prefixHandleRoute } from './resolver/stages/prefix-handle-route.js';
import { normalisePrefix } from './identifier/identifier.js';
import { NodeSite } from './site/node-site.js';
import { Search } from './search/search.js';
import type { Store } from './store/store.js';
import { timedStore, type StoreObserver } from './store/timed-store.js';

/** The part of the validated configuration the core reads. */
export interface CoreConfig {
  readonly nodePrefixes: readonly string[];
  /** IANA zone of the metering day (the award policy's). */
  readonly timeZone: string;
  readonly cache: Omit<CacheOptions, 'monotonic'>;
  readonly limits: RegistryLimits;
  readonly meteringFlushIntervalMs: number;
  /** Most counter rows this process starts per metering day (MeteringBounds.maxRowsPerDay; default DEFAULT_METERING_MAX_ROWS_PER_DAY). */
  readonly meteringMaxRowsPerDay?: number;
  /** The node-wide default quota of every enterprise (0: no limit; default none). */
  readonly quota?: QuotaLimits;
  /** Failed logins of one identity or from one address per window before it is throttled (default 10). */
  readonly loginMaxFailures?: number;
  /** The failed-login window, in seconds (default 60). */
  readonly loginFailureWindowSeconds?: number;
  /** Monotonic ms a day must have been closed before the ledger seals it by itself (default 10 000). */
  readonly ledgerSealDelayMs?: number;
  /**
   * Recursive resolution (docs/architecture.md, "Recursive resolution"): identifiers of prefixes not homed here
   * are resolved at the node the top-level node names. Needs NodeDependencies.topLevel and .remoteResolver.
   */
  readonly recursive?: boolean;
  readonly recursion?: RecursionConfig;
}

/** The bounds of recursive resolution (settings recursion-*). */
export interface RecursionConfig {
  readonly timeoutMs: number;
  readonly maxHops: number;
  readonly failureTtlMs: number;
  readonly maxInFlight: number;
}

export const DEFAULT_RECURSION: RecursionConfig = { timeoutMs: 2000, maxHops: 2, failureTtlMs: 5000, maxInFlight: 64 };

export const DEFAULT_LEDGER_SEAL_DELAY_MS = 10_000;
export const DEFAULT_METERING_MAX_ROWS_PER_DAY = 100_000;
export const DEFAULT_LOGIN_MAX_FAILURES = 10;
export const DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS = 60;
/** How often the enterprise prefixes counts may be kept under are reloaded (allocations by other processes). */
export const COUNTED_PREFIXES_REFRESH_MS = 60_000;
/** How often the daily quota figures are read again from the shared counters (docs/design.md §2, "Quotas"). */
export const QUOTA_SYNC_MS = 10_000;

/**
 * What the core is given rather than reaching for: the store, time, randomness, logging and the award
 * policies. The core has no default that reads real time or files (src/runtime/system-runtime.ts wires the
 * real ones; tests give ManualScheduler's virtual time).
 */
export interface NodeDependencies {
  readonly store: Store;
  readonly clock: Clock;
  readonly random: Random;
  readonly logger: Logger;
  /** Durations and expiry: cache entries' lives, metering's flush lag, the ledger's seal delay, store call times. */
  readonly monotonic: Monotonic;
  /** Runs the background work: metering flushes and the ledger's automatic sealing. */
  readonly scheduler: Scheduler;
  /**
   * false in every process of a node but one (serve --workers): work that must run once per node — the
   * ledger's automatic sealing, the connection with the top-level node — is not started here (the top-level
   * link is still used for recursive resolution's prefix lookups). Default true.
   */
  readonly singletons?: boolean;
  /** The award policies, already loaded (see src/policies/load-policies.ts). */
  readonly policies: PolicyCatalogue;
  /**
   * Where the ledger's signing key lives, outside the store (src/runtime/key-file.ts in production). Without
   * one the key is kept in this process only (memoryKeyVault): a node reopened on the same store then refuses
   * to start, as it would be given another key.
   */
  readonly keyVault?: KeyVault;
  /** Told the duration of every store call (for /metrics); the node then uses a timed view of the store. */
  readonly storeObserver?: StoreObserver;
  /** Told of every metered count as it is made (for /metrics' registration and resolution counters). */
  readonly countObserver?: CountObserver;
  /**
   * The national top-level node this node connects with (serve --top-level): the link to it (src/connect) and
   * the retry backoff. Absent: not connected (the eligibility criterion says so; other nodes' prefix handles
   * are not found here).
   */
  readonly topLevel?: { readonly link: TopLevelLink; readonly retryBaseMs: number; readonly retryMaxMs: number };
  /** How recursive resolution asks other nodes (src/federation); required when config.recursive is set. */
  readonly remoteResolver?: RemoteResolver;
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
    readonly meteringDay: MeteringDay,
    readonly meteringReports: MeteringReports,
    readonly ledger: Ledger,
    readonly eligibility: Eligibility,
    /** Registration of many identifiers at once (batch and streamed import), writing through `registry`. */
    readonly bulk: BulkRegistration,
    /**
     * This node as a Handle site (RFC 3651 §3.2.2): `site.current()` is what the Handle protocol's opcode 2
     * answers and what the prefix handles' HS_SITE values hold; `serve` describes the listeners once bound.
     */
    readonly site: NodeSite,
    /** Login tokens (the bearer credential scheme beside Basic): login, hashed login, and what a token stands for. */
    readonly tokens: Tokens,
    /** The metadata templates of enterprise prefixes (docs/design.md §1). */
    readonly templates: Templates,
    /** Reverse lookup: handles by value type and pattern, from the store's index, as the caller may read them. */
    readonly search: Search,
    /**
     * The connection with the national top-level node, when one is configured; `serve` starts it once the
     * site describes the bound listeners (the HS_SITE it homes prefixes with).
     */
    readonly connection: TopLevelConnection | undefined,
    /** Per-enterprise quotas: limits in force, today's usage, the operator's overrides. */
    readonly quotas: Quotas,
  ) {}

  /**
   * Throws for an invalid node prefix or time zone (configuration is validated earlier; this is the backstop).
   * Creates the node's signing key on the first start of a store.
   */
  static async create(config: CoreConfig, deps: NodeDependencies): Promise<IdNode> {
    const { clock, random, logger, monotonic, scheduler, policies } = deps;
    // A set clock is announced at every start (serve also binds clock: "simulated" to every log line).
    if (clock.simulation) {
      logger.warn(
        { clockStart: new Date(clock.simulation.startMs).toISOString(), clockRate: clock.simulation.rate },
        'the node runs on a SET CLOCK (simulation): its metering, reports and ledger are not production figures',
      );
    }
    const store = deps.storeObserver ? timedStore(deps.store, deps.storeObserver, monotonic) : deps.store;
    const meteringDay = new MeteringDay(config.timeZone);
    const homing = await HomedPrefixes.load(store, clock, config.nodePrefixes);
    const cache = new ResolutionCache({ ...config.cache, monotonic });
    const site = new NodeSite(clock);
    // Prefix handles carry the site's HS_SITE value: a changed site empties the cache (it changes at start).
    site.onChange(() => cache.clear());
    const simulatedDays = new SimulatedDays(store, clock, logger);
    const countedPrefixes = new CountedPrefixes(homing, store);
    await countedPrefixes.refresh();
    const quotas = new Quotas(store, clock, meteringDay, logger, { defaults: config.quota ?? NO_LIMITS, isEnterprise: (prefix) => countedPrefixes.isAllocated(prefix), monotonic });
    await quotas.load(countedPrefixes.allocatedPrefixes());
    const metering = new Metering(
      store,
      clock,
      meteringDay,
      logger,
      { flushIntervalMs: config.meteringFlushIntervalMs, monotonic, scheduler },
      { isKnownPrefix: (prefix) => countedPrefixes.isKnown(prefix), maxRowsPerDay: config.meteringMaxRowsPerDay ?? DEFAULT_METERING_MAX_ROWS_PER_DAY },
      simulatedDays,
      deps.countObserver,
    );
    // The declared resolution order (docs/design.md §3): metering → quota (the enterprise's daily resolution limit) → cache → router. The router derives prefix
    // handles (0.NA/…), sends a lookup to the local store when its prefix is homed here and answers NOT_HOMED
    // otherwise, or, with recursion on, asks the node the top-level node names (recursive-route.ts). A cached answer is served before homing is looked
    // at, so unhoming a prefix empties the cache.
    // Prefix handles (0.NA/<prefix>) come first: they are derived, whatever is homed.
    const link = deps.topLevel?.link;
    const prefixHandles = prefixHandleRoute({
      homing,
      principals: store,
      site,
      operatorPrefix: normalisePrefix(config.nodePrefixes[0]!),
      ...(link === undefined ? {} : { elsewhere: (prefix: string) => link.resolvePrefixHandle(prefix) }),
    });
    const routes = [prefixHandles, localStoreRoute(homing, store)];
    if (config.recursive === true) {
      if (link === undefined || deps.remoteResolver === undefined) throw new Error('recursive resolution needs the top-level node (topLevel) and a remoteResolver');
      const recursion = config.recursion ?? DEFAULT_RECURSION;
      // Prefix handles of other nodes' prefixes, through the cache (kept by their TTL), not metered: they are
      // this node's own means of resolving, not resolutions anyone asked for.
      const prefixHandleLookup = composePipeline([cacheStage(cache), routerStage([prefixHandles])]);
      routes.push(
        recursiveRoute(
          {
            homing,
            prefixHandle: (prefix) => prefixHandleLookup({ handle: `${PREFIX_HANDLE_PREFIX}/${prefix}`, prefix: PREFIX_HANDLE_PREFIX, protocol: 'recursion', hops: 0 }),
            forgetPrefixHandle: (prefix) => cache.invalidate(`${PREFIX_HANDLE_PREFIX}/${prefix}`),
            remote: deps.remoteResolver,
            clock,
            monotonic,
          },
          { timeoutMs: recursion.timeoutMs, maxHops: recursion.maxHops, failureTtlMs: recursion.failureTtlMs, maxInFlightPerNode: recursion.maxInFlight, maxValues: config.limits.maxValues, maxDataBytes: config.limits.maxDataBytes },
        ),
      );
    }
    const pipeline = composePipeline([meteringStage(metering), quotaStage(quotas, metering), cacheStage(cache), routerStage(routes)]);
    // A prefix homed or allocated here is homed at the top-level node at once (the connection's next round).
    let connection: TopLevelConnection | undefined;
    const forgetPrefixHandle = (prefix: string) => {
      cache.invalidate(`${PREFIX_HANDLE_PREFIX}/${prefix}`);
      connection?.nudge();
    };
    homing.onUnhomed(() => cache.clear());
    homing.onHomed(forgetPrefixHandle);
    const resolver = new Resolver(pipeline, (handle) => cache.has(handle));
    const registry = new Registry(store, homing, cache, metering, clock, random, meteringDay, config.limits, logger, simulatedDays, quotas);
    const bulk = new BulkRegistration(registry, logger);
    const tokens = new Tokens(store, clock, random);
    const principals = new PrincipalsAdmin(
      store,
      homing,
      clock,
      random,
      (prefix) => {
        forgetPrefixHandle(prefix);
        countedPrefixes.allocated(prefix);
      },
      (id, secret, stored) => tokens.keepLoginDigest(id, secret, stored),
    );
    const templates = new Templates(store, homing, clock);
    const stopChanges = store.onForeignChange((handle) => (handle === undefined ? cache.clear() : cache.invalidate(handle)));
    const stopRefresh = scheduler.every(COUNTED_PREFIXES_REFRESH_MS, async () => {
      try {
        await countedPrefixes.refresh();
        await quotas.load(countedPrefixes.allocatedPrefixes());
      } catch (error) {
        logger.warn({ err: error }, 'reloading the enterprise prefixes and quotas failed; the previous ones stay');
      }
    });
    const stopSync = scheduler.every(QUOTA_SYNC_MS, () => quotas.sync().catch((error: unknown) => logger.warn({ err: error }, 'reading the quota figures failed; the previous ones stay')));
    const unsubscribe = () => {
      stopChanges();
      stopRefresh();
      stopSync();
    };
    const key = await NodeKey.load(store, deps.keyVault ?? memoryKeyVault(), random);
    const ledger = new Ledger(store, clock, meteringDay, metering, key, logger, {
      sealDelayMs: config.ledgerSealDelayMs ?? DEFAULT_LEDGER_SEAL_DELAY_MS,
      monotonic,
      scheduler,
      simulatedDays,
    });
    const eligibility = new Eligibility(store, meteringDay, clock, policies);
    if (deps.topLevel !== undefined && deps.singletons !== false) {
      const { retryBaseMs, retryMaxMs } = deps.topLevel;
      connection = new TopLevelConnection(deps.topLevel.link, ledger, homing, store, site, clock, logger, { retryBaseMs, retryMaxMs, monotonic, scheduler });
      const established = connection;
      eligibility.setConnectionProbe(() => established.fact());
    }
    metering.start();
    if (deps.singletons !== false) ledger.start();
    return new IdNode(
      config,
      store,
      clock,
      homing,
      cache,
      metering,
      resolver,
      registry,
      principals,
      new Authenticator(
        store,
        homing,
        tokens,
        random,
        {
          throttle: new LoginThrottle({
            maxFailures: config.loginMaxFailures ?? DEFAULT_LOGIN_MAX_FAILURES,
            windowMs: (config.loginFailureWindowSeconds ?? DEFAULT_LOGIN_FAILURE_WINDOW_SECONDS) * 1000,
            maxTracked: DEFAULT_LOGIN_MAX_TRACKED,
            monotonic,
          }),
          quotas,
        },
      ),
      unsubscribe,
      meteringDay,
      new MeteringReports(store, meteringDay),
      ledger,
      eligibility,
      bulk,
      site,
      tokens,
      templates,
      new Search(store),
      connection,
      quotas,
    );
  }

  /** Who sees and sets quotas (the admin API, the CLI, the quota report). */
  get quotaAdmin(): QuotaAdmin {
    return new QuotaAdmin(this.quotas, this.store);
  }

  /** Flushes metering and stops listening; the store is closed by whoever opened it. */
  async close(): Promise<void> {
    this.unsubscribe();
    await this.connection?.stop();
    await this.ledger.stop();
    await this.metering.close();
  }
}
