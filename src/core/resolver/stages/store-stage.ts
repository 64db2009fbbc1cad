import { answerFor } from '../../cache/resolution-cache.js';
import type { HandleStore } from '../../store/store.js';
import type { Lookup, ResolveContext, Stage } from '../pipeline.js';

/** The local store: the last stage for homed prefixes. */
export function storeStage(store: HandleStore): Stage {
  return {
    name: 'store',
    async run(context: ResolveContext): Promise<Lookup> {
      return { answer: answerFor(await store.getHandle(context.handle)), source: 'store' };
    },
  };
}
