import { createHash } from 'node:crypto';
import { mixSeed, prng } from './prng.js';
import { zipfRank } from './zipf.js';

/**
 * The simulated workload, a pure function of its spec: the same spec (seed included) gives the same
 * registrations and resolutions, in the same order, whatever machine runs it and however the driver
 * schedules them. Each (node, day, purpose) draws from its own seeded stream (mixSeed), so a day can be
 * generated without generating the days before it.
 *
 * The enterprises form a supply chain (docs/simulate.md): node i hosts one enterprise whose role is
 * ROLES[i mod 3]; a supplier registers parts, a manufacturer assemblies, a distributor batches. An assembly
 * or batch names what it is made of with TRACE.COMPONENT values (the data: the component's identifier) that
 * point at the items of the node before it (node i−1), so a batch's tree spans three nodes.
 */
export interface WorkloadSpec {
  readonly nodes: number;
  readonly days: number;
  readonly seed: number;
  readonly registrationsPerNodePerDay: number;
  readonly resolutionsPerNodePerDay: number;
  /** Zipf exponent of the popularity of identifiers (0: uniform). */
  readonly zipf: number;
  /** The share of a node's resolutions that ask for an identifier homed at another node (0..1). */
  readonly crossNodeShare: number;
  /** TTL of every registered value (seconds). */
  readonly valueTtlSeconds: number;
}

/** The value type of a reference to a component: the data is the component's identifier. */
export const COMPONENT_TYPE = 'TRACE.COMPONENT';
/** The value index of the first component reference (the next ones follow). */
export const FIRST_COMPONENT_INDEX = 10;

export const ROLES = [
  { role: 'supplier', code: 'SUP', item: 'PART', components: 0 },
  { role: 'manufacturer', code: 'MFG', item: 'ASSEMBLY', components: 2 },
  { role: 'distributor', code: 'DST', item: 'BATCH', components: 3 },
] as const;

export interface SimNode {
  readonly index: number;
  readonly name: string;
  readonly nodePrefix: string;
  readonly enterprisePrefix: string;
  readonly role: (typeof ROLES)[number]['role'];
}

export interface WireItem {
  readonly handle: string;
  readonly values: readonly { index: number; type: string; data: string; ttl: number }[];
}

export interface Resolution {
  readonly handle: string;
  /** The node homing the identifier (its index). */
  readonly home: number;
}

export function simNodes(count: number): SimNode[] {
  return Array.from({ length: count }, (_, index) => {
    const role = ROLES[index % ROLES.length]!;
    const nodePrefix = `88.${301 + index}`;
    return { index, name: `node-${index + 1} (${role.role})`, nodePrefix, enterprisePrefix: `${nodePrefix}.${role.code}`, role: role.role };
  });
}

/** The identifier of node `node`'s item number `ordinal` (0-based over the whole run, registrationsPerNodePerDay a day). */
export function itemHandle(spec: WorkloadSpec, node: number, ordinal: number): string {
  const role = ROLES[node % ROLES.length]!;
  const day = Math.floor(ordinal / spec.registrationsPerNodePerDay) + 1;
  const k = ordinal % spec.registrationsPerNodePerDay;
  return `88.${301 + node}.${role.code}/${role.item}-${day}-${k}`;
}

/** Node `node`'s registrations of day `day` (1-based), in sending order. */
export function registrationsOf(spec: WorkloadSpec, node: number, day: number): WireItem[] {
  const role = ROLES[node % ROLES.length]!;
  const random = prng(mixSeed(spec.seed, node, day, 1));
  const upstream = role.components > 0 && node > 0 ? node - 1 : undefined;
  // Components are drawn from what the upstream node has registered up to and including this day.
  const upstreamItems = day * spec.registrationsPerNodePerDay;
  const items: WireItem[] = [];
  for (let k = 0; k < spec.registrationsPerNodePerDay; k++) {
    const ordinal = (day - 1) * spec.registrationsPerNodePerDay + k;
    const handle = itemHandle(spec, node, ordinal);
    const values = [{ index: 1, type: 'DESC', data: `${role.item.toLowerCase()} ${day}-${k} (simulated ${role.role})`, ttl: spec.valueTtlSeconds }];
    if (upstream !== undefined) {
      for (let c = 0; c < role.components; c++) {
        const component = itemHandle(spec, upstream, Math.floor(random() * upstreamItems));
        values.push({ index: FIRST_COMPONENT_INDEX + c, type: COMPONENT_TYPE, data: component, ttl: spec.valueTtlSeconds });
      }
    }
    items.push({ handle, values });
  }
  return items;
}

/**
 * Node `node`'s resolutions of day `day`, asked after every node's registrations of that day: a share
 * `crossNodeShare` asks for an identifier of another node (chosen uniformly), the rest for one of its own;
 * which identifier follows Zipf's law over everything the home node has registered so far.
 */
export function* resolutionsOf(spec: WorkloadSpec, node: number, day: number): Generator<Resolution> {
  const random = prng(mixSeed(spec.seed, node, day, 2));
  const registered = day * spec.registrationsPerNodePerDay;
  if (registered === 0) return;
  for (let q = 0; q < spec.resolutionsPerNodePerDay; q++) {
    let home = node;
    if (spec.nodes > 1 && random() < spec.crossNodeShare) {
      home = (node + 1 + Math.floor(random() * (spec.nodes - 1))) % spec.nodes;
    }
    const rank = zipfRank(random(), registered, spec.zipf);
    yield { handle: itemHandle(spec, home, rank - 1), home };
  }
}

/** What a node is sent over the run, by the plan: the figures its reports must show. */
export interface PlannedLoad {
  readonly registrations: number;
  /** Resolutions asked at this node (its own identifiers and other nodes'). */
  readonly resolutionsAsked: number;
  /** Of those, the ones for another node's identifiers. */
  readonly crossNodeAsked: number;
  /** Resolutions of this node's identifiers asked at other nodes (each reaches this node once: see docs/simulate.md). */
  readonly servedForOthers: number;
}

/** The whole workload's plan: per node, and a SHA-256 over every operation in order (same spec, same digest). */
export function planWorkload(spec: WorkloadSpec): { readonly digest: string; readonly nodes: readonly PlannedLoad[] } {
  const hash = createHash('sha256');
  const loads = Array.from({ length: spec.nodes }, () => ({ registrations: 0, resolutionsAsked: 0, crossNodeAsked: 0, servedForOthers: 0 }));
  for (let day = 1; day <= spec.days; day++) {
    for (let node = 0; node < spec.nodes; node++) {
      for (const item of registrationsOf(spec, node, day)) {
        hash.update(`R ${node} ${JSON.stringify(item)}\n`);
        loads[node]!.registrations++;
      }
    }
    for (let node = 0; node < spec.nodes; node++) {
      for (const resolution of resolutionsOf(spec, node, day)) {
        hash.update(`Q ${node} ${resolution.handle}\n`);
        loads[node]!.resolutionsAsked++;
        if (resolution.home !== node) {
          loads[node]!.crossNodeAsked++;
          loads[resolution.home]!.servedForOthers++;
        }
      }
    }
  }
  return { digest: hash.digest('hex'), nodes: loads };
}
