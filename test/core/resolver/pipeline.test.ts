import t from 'tap';
import { composePipeline, type Lookup, type Stage } from '../../../src/core/resolver/pipeline.js';
import { CONTEXT, lookupOf } from './fakes.js';

/** A stage that records its name on the way in and out, then defers to the next one. */
function passing(name: string, trace: string[]): Stage {
  return {
    name,
    run(context, next) {
      trace.push(`${name}>`);
      const lookup = next(context);
      const leave = (settled: Lookup) => {
        trace.push(`<${name}`);
        return settled;
      };
      return lookup instanceof Promise ? lookup.then(leave) : leave(lookup);
    },
  };
}

function answering(name: string, trace: string[], lookup: Lookup | Promise<Lookup>): Stage {
  return {
    name,
    run() {
      trace.push(name);
      return lookup;
    },
  };
}

t.test('stages run in the declared order, each around the ones after it', async (t) => {
  const trace: string[] = [];
  const answer = lookupOf('store', []);
  const pipeline = composePipeline([passing('a', trace), passing('b', trace), answering('last', trace, answer)]);
  t.equal(pipeline(CONTEXT), answer, 'a synchronous answer comes back as it is, with no promise');
  t.same(trace, ['a>', 'b>', 'last', '<b', '<a']);
});

t.test('a stage that answers ends the run: later stages are not called', async (t) => {
  const trace: string[] = [];
  const early = lookupOf('cache', []);
  const pipeline = composePipeline([passing('a', trace), answering('early', trace, early), answering('never', trace, lookupOf('store'))]);
  t.equal(pipeline(CONTEXT), early);
  t.same(trace, ['a>', 'early', '<a']);
});

t.test('an asynchronous answer passes back through the stages before it', async (t) => {
  const trace: string[] = [];
  const answer = lookupOf('store', undefined);
  const pipeline = composePipeline([passing('a', trace), answering('last', trace, Promise.resolve(answer))]);
  const result = pipeline(CONTEXT);
  t.ok(result instanceof Promise);
  t.equal(await result, answer);
  t.same(trace, ['a>', 'last', '<a']);
});

t.test('each stage sees the same context', async (t) => {
  const seen: unknown[] = [];
  const spy: Stage = { name: 'spy', run: (context, next) => (seen.push(context), next(context)) };
  const last: Stage = { name: 'last', run: (context) => (seen.push(context), lookupOf('store')) };
  composePipeline([spy, spy, last])(CONTEXT);
  t.same(seen, [CONTEXT, CONTEXT, CONTEXT]);
  t.ok(seen.every((context) => context === CONTEXT));
});

t.test('a last stage that calls next is a programming error, thrown as such', async (t) => {
  const trace: string[] = [];
  t.throws(() => composePipeline([passing('a', trace)])(CONTEXT), { message: 'resolution pipeline ran past its last stage: the last stage must answer' });
  t.throws(() => composePipeline([])(CONTEXT), /ran past its last stage/);
});

t.test('a stage that throws stops the run and the error reaches the caller', async (t) => {
  const trace: string[] = [];
  const failing: Stage = {
    name: 'failing',
    run() {
      throw new Error('boom');
    },
  };
  t.throws(() => composePipeline([passing('a', trace), failing])(CONTEXT), { message: 'boom' });
  t.same(trace, ['a>'], 'the stage before it does not see an answer');
});
