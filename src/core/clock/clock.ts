import { randomBytes, randomUUID } from 'node:crypto';

/** The node's notion of now (epoch ms). Injected everywhere so tests and simulations can drive time. */
export interface Clock {
  now(): number;
  /** Set only on a clock that is not the real one (see SetClock): the node then says its figures are simulated. */
  readonly simulation?: { readonly startMs: number; readonly rate: number };
}

export const systemClock: Clock = { now: () => Date.now() };

/** Randomness, injected so tests can make secrets and minted suffixes deterministic. */
export interface Random {
  bytes(length: number): Buffer;
  uuid(): string;
}

export const systemRandom: Random = { bytes: (length) => randomBytes(length), uuid: () => randomUUID() };
