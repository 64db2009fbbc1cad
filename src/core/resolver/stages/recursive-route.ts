import { answerFor } from '../../cache/resolution-cache.js';
import type { Clock } from '../../clock/clock.js';
import type { Monotonic } from '../../clock/monotonic.js';
import { IdnodeError, isIdnodeError } from '../../errors/catalogue.js';
import type { HomedPrefixes } from '../../homing/homed-prefixes.js';
import type { HandleRecord } from '../../store/store.js';
import { remoteValues } from '../../values/remote-values.js';
import type { Lookup, ResolveContext } from '../pipeline.js';
import { remoteTargetOf, type RemoteResolver, type RemoteTarget } from '../remote-resolver.js';
import { PREFIX_HANDLE_PREFIX } from './prefix-handle-route.js';
import type { Route } from './router-stage.js';

export interface RecursionOptions {
  /** Longest wait for the serving node's answer (the RemoteResolver's bound). */
  readonly timeoutMs: number;
  /** A resolution already referred this many times is not referred again (RECURSION_LIMIT_EXCEEDED). */
  readonly maxHops: number;
  /** How long a node that failed is not asked again: lookups for it fail at once meanwhile (monotonic ms). */
  readonly failureTtlMs: number;
  /** Most lookups in flight to one node; one more fails at once instead of queueing. */
  readonly maxInFlightPerNode: number;
  /** The bounds on values of a write here, applied to the values another node answers. */
  readonly maxValues: number;
  readonly maxDataBytes: number;
}

export interface RecursionSources {
  readonly homing: Pick<HomedPrefixes, 'homeOf'>;
  /**
   * The prefix handle 0.NA/<prefix> of a prefix homed elsewhere, as the node's own pipeline answers it without
   * metering: the resolution cache (kept by its TTL), else the top-level node.
   */
  readonly prefixHandle: (prefix: string) => Promise<Lookup> | Lookup;
  /** Drops a cached prefix handle: the node it names failed, so the next try asks the top-level node again (it may have moved). */
  readonly forgetPrefixHandle: (prefix: string) => void;
  readonly remote: RemoteResolver;
  readonly clock: Pick<Clock, 'now'>;
  readonly monotonic: Monotonic;
}

/** Failure memory and in-flight counts are kept per node; past this many nodes the memory is emptied (nodes are few). */
const MAX_NODES_TRACKED = 10_000;

/**
 * Recursive resolution (serve --recursive; docs/architecture.md): the router's last route, for identifiers whose
 * prefix is not homed here. It finds the node serving the prefix through the prefix handles the top-level
 * node holds (the prefix, then each shorter one: 0.NA/88.999.2.acme, 0.NA/88.999.2, …; each answer cached by
 * its TTL), asks that node through the RemoteResolver port (anonymously: public values only) and answers
 * with what it said, marked `referred` (metered as resolution.referred, here and when served from the
 * cache; the cache keeps it by its values' TTLs, a not-found by the not-found TTL).
 *
 * Bounds, so that another node can neither hang nor sink this one:
 * - hops: a resolution that arrived already referred maxHops times is refused (RECURSION_LIMIT_EXCEEDED),
 *   so A → B → A ends;
 * - time: the RemoteResolver settles within timeoutMs;
 * - failures: a node that failed (REMOTE_NODE_UNAVAILABLE) is remembered for failureTtlMs, and every lookup
 *   for it fails at once meanwhile, naming the first failure; its prefix handle is dropped from the cache;
 * - concurrency: at most maxInFlightPerNode lookups to one node (more fail at once); concurrent lookups of one
 *   identifier share one request.
 * A prefix no node serves is NOT_HOMED, as without recursion.
 */
export function recursiveRoute(sources: RecursionSources, options: RecursionOptions): Route {
  const failures = new Map<string, { readonly untilMs: number; readonly message: string }>();
  const inFlight = new Map<string, number>();
  const pending = new Map<string, Promise<Lookup>>();

  const servingNode = async (context: ResolveContext): Promise<{ target: RemoteTarget; servingPrefix: string } | undefined> => {
    for (const prefix of prefixAndParents(context.prefix)) {
      const record = (await sources.prefixHandle(prefix)).answer.record;
      const site = record?.values.find((value) => value.type === 'HS_SITE');
      if (record === undefined || site === undefined) continue;
      const data = site.data;
      const bytes = data.format === 'base64' ? Buffer.from(data.value, 'base64') : data.format === 'hex' ? Buffer.from(data.value, 'hex') : Buffer.alloc(0);
      return { target: remoteTargetOf(bytes, `${PREFIX_HANDLE_PREFIX}/${prefix}`), servingPrefix: prefix };
    }
    return undefined;
  };

  const ask = async (context: ResolveContext): Promise<Lookup> => {
    const serving = await servingNode(context);
    if (serving === undefined) {
      throw new IdnodeError('NOT_HOMED', `prefix ${context.prefix} is not homed on this node, nor at any node the top-level node knows, so ${context.handle} cannot be resolved`, { handle: context.handle });
    }
    const { target, servingPrefix } = serving;
    const now = sources.monotonic.now();
    const failed = failures.get(target.key);
    if (failed !== undefined) {
      if (now < failed.untilMs) {
        throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `${failed.message}; not asked again for ${Math.ceil(failed.untilMs - now)} ms`, { handle: context.handle });
      }
      failures.delete(target.key);
    }
    const running = inFlight.get(target.key) ?? 0;
    if (running >= options.maxInFlightPerNode) {
      throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `${running} lookups are already in flight to ${target.key} (the node serving ${servingPrefix}), the limit of recursion-max-in-flight`, { handle: context.handle });
    }
    if (inFlight.size >= MAX_NODES_TRACKED) inFlight.clear();
    inFlight.set(target.key, running + 1);
    let answer;
    try {
      answer = await sources.remote.resolve(target, context.handle, { hops: context.hops + 1, timeoutMs: options.timeoutMs });
    } catch (error) {
      if (isIdnodeError(error) && error.code === 'REMOTE_NODE_UNAVAILABLE') {
        if (failures.size >= MAX_NODES_TRACKED) failures.clear();
        failures.set(target.key, { untilMs: sources.monotonic.now() + options.failureTtlMs, message: `${target.key}, the node serving ${servingPrefix}, failed: ${error.message}` });
        sources.forgetPrefixHandle(servingPrefix);
        throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `${context.handle} could not be resolved at ${target.key}, the node serving ${servingPrefix}: ${error.message}`, { cause: error, handle: context.handle });
      }
      throw error;
    } finally {
      const left = (inFlight.get(target.key) ?? 1) - 1;
      if (left <= 0) inFlight.delete(target.key);
      else inFlight.set(target.key, left);
    }
    if (answer.status === 'not-found') return { answer: answerFor(undefined), source: 'federation' };
    const nowMs = sources.clock.now();
    let values;
    try {
      values = remoteValues(answer.values, { nowMs, maxValues: options.maxValues, maxDataBytes: options.maxDataBytes });
    } catch (error) {
      // This identifier's answer is unreadable, not the node: it is not remembered as failed.
      throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `${target.key} (the node serving ${servingPrefix}) answered ${context.handle} with values this node cannot read: ${(error as Error).message}`, { cause: error, handle: context.handle });
    }
    const record: HandleRecord = { handle: context.handle, prefix: context.prefix, values, createdAtMs: nowMs, updatedAtMs: nowMs };
    return { answer: { ...answerFor(record), referred: true }, source: 'federation' };
  };

  return {
    name: 'recursive',
    serves: (prefix) => prefix !== PREFIX_HANDLE_PREFIX && sources.homing.homeOf(prefix) === undefined,
    lookup(context: ResolveContext): Promise<Lookup> {
      if (context.hops >= options.maxHops) {
        return Promise.reject(
          new IdnodeError('RECURSION_LIMIT_EXCEEDED', `${context.handle} reached this node after ${context.hops} referrals, the limit (recursion-max-hops ${options.maxHops}), and ${context.prefix} is not homed here: the nodes refer it in a loop`, { handle: context.handle }),
        );
      }
      // Concurrent lookups of one identifier share one request (a burst of cold lookups costs one remote call).
      // Keyed by hops too: a lookup that comes back here through a loop must not wait for the one that sent
      // it (it would until the time-out); it goes on, one hop further, to the hop limit.
      const key = `${context.hops} ${context.handle}`;
      const shared = pending.get(key);
      if (shared !== undefined) return shared;
      const started = ask(context).finally(() => pending.delete(key));
      pending.set(key, started);
      return started;
    },
  };
}

/** `a.b.c` → a.b.c, a.b, a: the prefix handles that may name the node serving a prefix, most specific first. */
export function prefixAndParents(prefix: string): string[] {
  const segments = prefix.split('.');
  const prefixes: string[] = [];
  for (let length = segments.length; length > 0; length--) prefixes.push(segments.slice(0, length).join('.'));
  return prefixes;
}
