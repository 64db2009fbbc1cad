import t from 'tap';
import { answerFor } from '../../src/core/cache/resolution-cache.js';
import { encodeAnswer, type AnswerEncoding, type ResolutionResponseCode } from '../../src/core/resolver/resolution-answer.js';
import type { Resolution } from '../../src/core/resolver/resolver.js';
import type { HandleValue } from '../../src/core/values/handle-value.js';

const HANDLE = '88.999/answer-1';
const VALUE: HandleValue = { index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/' }, ttl: 86400, timestamp: '2024-01-01T00:00:00Z', permissions: '1110', references: [] };
const answer = () => answerFor({ handle: HANDLE, prefix: '88.999', values: [VALUE], createdAtMs: 0, updatedAtMs: 0 });

/** An encoding that records its calls and returns a fresh object each time. */
function recording(key: string): AnswerEncoding<{ responseCode: ResolutionResponseCode; count: number }> & { calls: number } {
  const encoding = {
    key,
    calls: 0,
    encode: (_handle: string, values: readonly HandleValue[], responseCode: ResolutionResponseCode) => ({ responseCode, count: values.length, call: ++encoding.calls }),
  };
  return encoding;
}

t.test('not found: HANDLE_NOT_FOUND naming the identifier, nothing encoded', async (t) => {
  const encoding = recording('test.a');
  const notFound: Resolution = { status: 'not-found', handle: HANDLE, values: [], answer: answerFor(undefined), publicView: false };
  t.throws(() => encodeAnswer(notFound, encoding), { code: 'HANDLE_NOT_FOUND', handle: HANDLE, message: `${HANDLE} does not exist` });
  t.equal(encoding.calls, 0);
});

t.test('no visible value: responseCode 200 with no values, never kept', async (t) => {
  const encoding = recording('test.b');
  const shared = answer();
  const none: Resolution = { status: 'no-values', handle: HANDLE, values: [], answer: shared, publicView: false };
  t.match(encodeAnswer(none, encoding), { responseCode: 200, count: 0 });
  t.same(shared.encodings, {});
});

t.test('found: responseCode 1; the public view is encoded once per cache entry and per key', async (t) => {
  const rest = recording('test.rest');
  const grpc = recording('test.grpc');
  const shared = answer();
  const publicView: Resolution = { status: 'found', handle: HANDLE, values: shared.publicValues, answer: shared, publicView: true };
  const first = encodeAnswer(publicView, rest);
  t.match(first, { responseCode: 1, count: 1 });
  t.equal(encodeAnswer(publicView, rest), first, 'the kept encoding itself on the next hit');
  t.equal(rest.calls, 1);
  t.not(encodeAnswer(publicView, grpc), first, 'each front end keeps its own');
  t.same(Object.keys(shared.encodings).sort(), ['test.grpc', 'test.rest']);

  const privileged: Resolution = { ...publicView, publicView: false };
  t.not(encodeAnswer(privileged, rest), first, 'a view other than the public one is encoded every time');
  t.equal(rest.calls, 2);
  t.equal(encodeAnswer({ ...publicView, answer: answer() }, rest).responseCode, 1);
  t.equal(rest.calls, 3, 'a new cache entry is encoded afresh');
});
