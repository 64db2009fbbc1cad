/**
 * The primary's rounds of asking workers something and waiting for each to answer (ChangeRelay: "drop these
 * from your cache"; MetricsGatherer: "send me your figures"). A round asks a set of workers, keeps one reply
 * from each, and closes once every worker asked has replied or ended, or `timeoutMs` after it began (then
 * `late` is told which had not replied): `close` gets the replies, in the order they came. A round whose
 * asker ended is dropped unclosed: nobody is left to answer. It also keeps who can be asked: a worker joins
 * when it is ready to answer, and leaves when it ends.
 */
export class PeerRounds<Peer extends { readonly id: number }, Reply> {
  readonly #peers = new Map<number, Peer>();
  readonly #rounds = new Map<number, Round<Reply>>();
  #nextId = 1;

  constructor(private readonly timeoutMs: number) {}

  join(peer: Peer): void {
    this.#peers.set(peer.id, peer);
  }

  /** The workers that joined and have not left, in the order they joined. */
  peers(): Peer[] {
    return [...this.#peers.values()];
  }

  peer(id: number): Peer | undefined {
    return this.#peers.get(id);
  }

  /**
   * Starts a round asked by worker `askerId` of the workers `peerIds`, and returns its id (each question names
   * it, and so does each reply). A round that asks nobody closes at once.
   */
  start(askerId: number, peerIds: readonly number[], close: (replies: readonly Replied<Reply>[]) => void, late: (peerIds: readonly number[]) => void): number {
    const id = this.#nextId++;
    const timer = setTimeout(() => {
      const round = this.#rounds.get(id);
      if (round === undefined) return;
      late([...round.waiting]);
      this.#end(id, true);
    }, this.timeoutMs);
    this.#rounds.set(id, { askerId, waiting: new Set(peerIds), replies: [], timer, close });
    if (peerIds.length === 0) this.#end(id, true);
    return id;
  }

  /** Worker `peerId`'s reply to round `id`; ignored when the round is over or did not ask it (or it replied already). */
  reply(peerId: number, id: number, reply: Reply): void {
    const round = this.#rounds.get(id);
    if (round === undefined || !round.waiting.delete(peerId)) return;
    round.replies.push({ peerId, reply });
    if (round.waiting.size === 0) this.#end(id, true);
  }

  /** Worker `peerId` ended: it cannot be asked, no round waits for it any more, and the rounds it asked are dropped. */
  leave(peerId: number): void {
    this.#peers.delete(peerId);
    for (const [id, round] of this.#rounds) {
      if (round.askerId === peerId) this.#end(id, false);
      else if (round.waiting.delete(peerId) && round.waiting.size === 0) this.#end(id, true);
    }
  }

  #end(id: number, close: boolean): void {
    const round = this.#rounds.get(id);
    if (round === undefined) return;
    this.#rounds.delete(id);
    clearTimeout(round.timer);
    if (close) round.close(round.replies);
  }
}

/** One worker's reply to a round. */
export interface Replied<Reply> {
  readonly peerId: number;
  readonly reply: Reply;
}

interface Round<Reply> {
  readonly askerId: number;
  readonly waiting: Set<number>;
  readonly replies: Replied<Reply>[];
  readonly timer: NodeJS.Timeout;
  readonly close: (replies: readonly Replied<Reply>[]) => void;
}
