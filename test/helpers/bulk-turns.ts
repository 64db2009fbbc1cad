import type { BothNode } from './grpc-node.js';

/**
 * Counts, for a node running in this process, the most bulk-import items taken between two turns of the event
 * loop (a callback that schedules itself again runs once a turn; each import session's `add` is counted).
 * Call `stop` once the import is done.
 */
export function countItemsBetweenTurns(both: BothNode): { most(): number; stop(): void } {
  let sinceTurn = 0;
  let most = 0;
  const openImport = both.node.bulk.openImport.bind(both.node.bulk);
  both.node.bulk.openImport = (call) => {
    const session = openImport(call);
    const add = session.add.bind(session);
    session.add = (item, line) => {
      most = Math.max(most, ++sinceTurn);
      return add(item, line);
    };
    return session;
  };
  let ticking = true;
  const tick = (): void => {
    sinceTurn = 0;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    most: () => most,
    stop: () => {
      ticking = false;
      both.node.bulk.openImport = openImport;
    },
  };
}
