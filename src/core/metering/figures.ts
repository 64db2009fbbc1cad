import type { CounterKind, CounterSum } from '../store/store.js';

/** Every counter kind, in the order reports show them (docs/design.md §2). */
export const COUNTER_KINDS: readonly CounterKind[] = [
  'registration',
  'update',
  'delete',
  'refused',
  'resolution.cache-hit',
  'resolution.store-read',
  'resolution.not-found',
  'resolution.referred',
];

export const RESOLUTION_KINDS: readonly CounterKind[] = COUNTER_KINDS.filter((kind) => kind.startsWith('resolution.'));

/**
 * The metered figures of one slice (a day, a prefix, a range), one field per counter kind plus
 * `resolutions`, the sum of the four resolution kinds. These names are the JSON fields and CSV columns of the
 * metering API.
 */
export interface Figures {
  registrations: number;
  updates: number;
  deletes: number;
  refusedWrites: number;
  resolutionCacheHits: number;
  resolutionStoreReads: number;
  resolutionNotFound: number;
  resolutionReferred: number;
  resolutions: number;
}

export const FIELD_OF_KIND: Readonly<Record<CounterKind, Exclude<keyof Figures, 'resolutions'>>> = {
  registration: 'registrations',
  update: 'updates',
  delete: 'deletes',
  refused: 'refusedWrites',
  'resolution.cache-hit': 'resolutionCacheHits',
  'resolution.store-read': 'resolutionStoreReads',
  'resolution.not-found': 'resolutionNotFound',
  'resolution.referred': 'resolutionReferred',
};

/** Field names in column order. */
export const FIGURE_FIELDS: readonly (keyof Figures)[] = [...COUNTER_KINDS.map((kind) => FIELD_OF_KIND[kind]), 'resolutions'];

export function zeroFigures(): Figures {
  return {
    registrations: 0,
    updates: 0,
    deletes: 0,
    refusedWrites: 0,
    resolutionCacheHits: 0,
    resolutionStoreReads: 0,
    resolutionNotFound: 0,
    resolutionReferred: 0,
    resolutions: 0,
  };
}

/** Adds `count` of `kind` to `figures` (in place). */
export function addToFigures(figures: Figures, kind: CounterKind, count: number): void {
  const field = FIELD_OF_KIND[kind];
  // A kind this code does not know (a newer replica wrote it) is left out rather than misfiled.
  if (field === undefined) return;
  figures[field] += count;
  if (kind.startsWith('resolution.')) figures.resolutions += count;
}

/** Per-kind counts of one slice, keyed by kind (zero for kinds absent). */
export type KindCounts = Record<CounterKind, number>;

export function zeroKindCounts(): KindCounts {
  return Object.fromEntries(COUNTER_KINDS.map((kind) => [kind, 0])) as KindCounts;
}

/** Groups sums by the key `keyOf` gives, folding kinds into Figures; keys keep the order of first appearance. */
export function groupFigures<K>(sums: readonly CounterSum[], keyOf: (sum: CounterSum) => string, base: (sum: CounterSum) => K): (K & Figures)[] {
  const groups = new Map<string, K & Figures>();
  for (const sum of sums) {
    const key = keyOf(sum);
    let group = groups.get(key);
    if (group === undefined) {
      group = { ...base(sum), ...zeroFigures() };
      groups.set(key, group);
    }
    addToFigures(group, sum.kind, sum.count);
  }
  return [...groups.values()];
}
