import { answerFromStore } from '../../cache/resolution-cache.js';
import type { HomedPrefixes } from '../../homing/homed-prefixes.js';
import type { Store } from '../../store/store.js';
import type { Lookup, ResolveContext } from '../pipeline.js';
import type { Route } from './router-stage.js';

/** The local store, for identifiers whose prefix is homed here (or lies below a homed prefix). */
export function localStoreRoute(homing: Pick<HomedPrefixes, 'homeOf'>, store: Pick<Store, 'getStoredAnswer' | 'readStoredAnswerNow'>): Route {
  return {
    name: 'local-store',
    serves: (prefix) => homing.homeOf(prefix) !== undefined,
    lookup(context: ResolveContext): Promise<Lookup> | Lookup {
      // A store that reads synchronously answers a miss in the caller's turn: no promise from here to the wire.
      // (Read once: the store may be the timed store's proxy, whose every property read is a lookup.)
      const readNow = store.readStoredAnswerNow;
      if (readNow !== undefined) return { answer: answerFromStore(readNow.call(store, context.handle)), source: 'store' };
      return store.getStoredAnswer(context.handle).then((stored) => ({ answer: answerFromStore(stored), source: 'store' }));
    },
  };
}
