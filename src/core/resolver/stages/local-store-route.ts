import { answerFromStore } from '../../cache/resolution-cache.js';
import type { HomedPrefixes } from '../../homing/homed-prefixes.js';
import type { Store } from '../../store/store.js';
import type { Lookup, ResolveContext } from '../pipeline.js';
import type { Route } from './router-stage.js';

/** The local store, for identifiers whose prefix is homed here (or lies below a homed prefix). */
export function localStoreRoute(homing: Pick<HomedPrefixes, 'homeOf'>, store: Pick<Store, 'getStoredAnswer'>): Route {
  return {
    name: 'local-store',
    serves: (prefix) => homing.homeOf(prefix) !== undefined,
    async lookup(context: ResolveContext): Promise<Lookup> {
      return { answer: answerFromStore(await store.getStoredAnswer(context.handle)), source: 'store' };
    },
  };
}
