import t from 'tap';
import { PeerRounds, type Replied } from '../../src/cli/workers/peer-rounds.js';

const peer = (id: number) => ({ id });

t.test('a round closes once every worker asked replied or left; the asker leaving drops it', async (t) => {
  const rounds = new PeerRounds<{ id: number }, string>(60_000);
  for (const id of [1, 2, 3]) rounds.join(peer(id));
  t.same(rounds.peers().map((p) => p.id), [1, 2, 3]);
  const closed: (readonly Replied<string>[])[] = [];
  const late: number[][] = [];
  const id = rounds.start(1, [2, 3], (replies) => closed.push(replies), (peers) => late.push([...peers]));
  rounds.reply(2, id, 'two');
  rounds.reply(2, id, 'again');
  rounds.reply(9, id, 'never asked');
  rounds.reply(2, id + 100, 'no such round');
  t.equal(closed.length, 0, 'worker 3 has not replied');
  rounds.leave(3);
  t.same(closed, [[{ peerId: 2, reply: 'two' }]], 'closed with the one reply once worker 3 left');
  t.equal(rounds.peer(3), undefined, 'a worker that left cannot be asked');

  const dropped = rounds.start(2, [1], () => closed.push([]), () => {});
  rounds.leave(2);
  rounds.reply(1, dropped, 'too late');
  t.equal(closed.length, 1, 'a round whose asker left is not closed');
  t.same(late, []);

  rounds.start(1, [], (replies) => closed.push(replies), () => {});
  t.same(closed[1], [], 'a round that asks nobody closes at once');
});

t.test('a round closes with what came when the timeout passes, naming the late', async (t) => {
  const rounds = new PeerRounds<{ id: number }, number>(20);
  const late = new Promise<readonly number[]>((resolve) => {
    const closed = new Promise<readonly Replied<number>[]>((close) => {
      const id = rounds.start(1, [2, 3], close, resolve);
      rounds.reply(3, id, 3);
    });
    t.resolveMatch(closed, [{ peerId: 3, reply: 3 }]);
  });
  t.same(await late, [2]);
});
