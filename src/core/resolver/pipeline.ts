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

/** The rest of the pipeline after a stage, given the resolution's context (made once per pipeline, not per resolution). */
export type Next = (context: ResolveContext) => Promise<Lookup> | Lookup;

/**
 * A resolution stage (CoreDNS style): it may answer on its own, or call `next` with its context and act on what
 * comes back. Stages may answer synchronously: a warm cache hit then costs no promise.
 */
export interface Stage {
  readonly name: string;
  run(context: ResolveContext, next: Next): Promise<Lookup> | Lookup;
}

/**
 * Chains the stages in the declared order; the last stage must answer without calling next. Each stage's `next`
 * is made here, once: a resolution allocates nothing per stage (a warm hit passes every stage).
 */
export function composePipeline(stages: readonly Stage[]): (context: ResolveContext) => Promise<Lookup> | Lookup {
  let next: Next = () => {
    throw new Error('resolution pipeline ran past its last stage: the last stage must answer');
  };
  for (let position = stages.length - 1; position >= 0; position--) {
    const stage = stages[position]!;
    const after = next;
    next = (context) => stage.run(context, after);
  }
  return next;
}
