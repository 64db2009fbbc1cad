import type { CachedAnswer } from '../cache/resolution-cache.js';

/** Where an answer came from; metering counts by it. */
export type AnswerSource = 'cache' | 'store' | 'federation';

export interface Lookup {
  readonly answer: CachedAnswer;
  readonly source: AnswerSource;
}

/**
 * One resolution as it passes through the stages: the identifier is parsed and normalised; whether it is
 * served here, and by which source, is the router's decision (the last stage).
 */
export interface ResolveContext {
  readonly handle: string;
  readonly prefix: string;
  readonly protocol: string;
  /**
   * How many nodes referred this resolution before it reached this one (recursive resolution): 0 from a
   * client; the recursive route refuses to refer it again at recursion-max-hops, so loops between nodes end.
   */
  readonly hops: number;
}

export type Next = () => Promise<Lookup> | Lookup;

/**
 * A resolution stage (CoreDNS style): it may answer on its own, or call `next` and act on what comes back.
 * Stages may answer synchronously: a warm cache hit then costs no promise.
 */
export interface Stage {
  readonly name: string;
  run(context: ResolveContext, next: Next): Promise<Lookup> | Lookup;
}

/** Chains the stages in the declared order; the last stage must answer without calling next. */
export function composePipeline(stages: readonly Stage[]): (context: ResolveContext) => Promise<Lookup> | Lookup {
  const run = (position: number, context: ResolveContext): Promise<Lookup> | Lookup => {
    const stage = stages[position];
    if (!stage) throw new Error('resolution pipeline ran past its last stage: the last stage must answer');
    return stage.run(context, () => run(position + 1, context));
  };
  return (context) => run(0, context);
}
