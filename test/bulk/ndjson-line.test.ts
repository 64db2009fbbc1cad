import t from 'tap';
import { decodeNdjsonLine, itemOfObject, problemItem, unreadableLine, type NdjsonWording } from '../../src/core/bulk/ndjson-line.js';
import { IdnodeError } from '../../src/core/errors/catalogue.js';

/** Words each problem so that a test can tell which one was chosen, and with what. */
const WORDING: NdjsonWording = {
  tooLong: (line, bytes) => new IdnodeError('BODY_TOO_LARGE', `too-long ${line} ${bytes}`),
  notUtf8: (line) => new IdnodeError('BODY_MALFORMED_JSON', `not-utf8 ${line}`),
  notJson: (line, reason) => new IdnodeError('BODY_MALFORMED_JSON', `not-json ${line} ${reason}`),
  notObject: (line) => new IdnodeError('REQUEST_INVALID', `not-object ${line}`),
};

const text = (line: number, body: string) => ({ line, text: body, bytes: Buffer.byteLength(body) });

t.test('an object line is an item, unvalidated: its handle and values as sent, other fields ignored', async (t) => {
  t.same(decodeNdjsonLine(text(1, '{"handle": "88.999/A", "values": [{"index": 1}], "extra": true}'), WORDING), { handle: '88.999/A', values: [{ index: 1 }] });
  t.same(decodeNdjsonLine(text(2, '{"handle": 42}'), WORDING), { handle: 42, values: undefined }, 'the session refuses what is missing or mistyped');
  t.same(decodeNdjsonLine(text(3, '  {}  '), WORDING), { handle: undefined, values: undefined });
});

t.test('a blank line is no item', async (t) => {
  for (const blank of ['', '   ', '\t', ' \u00a0 ']) t.equal(decodeNdjsonLine(text(4, blank), WORDING), undefined, JSON.stringify(blank));
});

t.test('each problem becomes a problem item worded by the caller, naming the line', async (t) => {
  const problemOf = (line: Parameters<typeof decodeNdjsonLine>[0]) => {
    const item = decodeNdjsonLine(line, WORDING);
    t.same([item?.handle, item?.values], ['', undefined], 'a problem item names no identifier');
    return [item?.problem?.code, item?.problem?.message];
  };
  t.same(problemOf({ line: 5, problem: 'too-long', bytes: 5000 }), ['BODY_TOO_LARGE', 'too-long 5 5000']);
  t.same(problemOf({ line: 6, problem: 'not-utf8', bytes: 3 }), ['BODY_MALFORMED_JSON', 'not-utf8 6']);
  t.same(problemOf(text(7, '{"handle": oops}')), ['BODY_MALFORMED_JSON', `not-json 7 Unexpected token 'o', "{"handle": oops}" is not valid JSON`]);
  for (const notObject of ['[1, 2]', '"text"', 'null', '42', 'true']) t.same(problemOf(text(8, notObject)), ['REQUEST_INVALID', 'not-object 8'], notObject);
});

t.test('unreadableLine: the reader’s problems only', async (t) => {
  t.equal(unreadableLine(text(1, 'not json at all'), WORDING), undefined, 'a line with text is readable, whatever it holds');
  t.match(unreadableLine({ line: 2, problem: 'too-long', bytes: 9 }, WORDING), { message: 'too-long 2 9' });
  t.match(unreadableLine({ line: 3, problem: 'not-utf8', bytes: 1 }, WORDING), { message: 'not-utf8 3' });
});

t.test('itemOfObject and problemItem', async (t) => {
  t.same(itemOfObject({ handle: 'h', values: [] }), { handle: 'h', values: [] });
  for (const notObject of [null, [], 'h', 1, undefined]) t.equal(itemOfObject(notObject), undefined);
  const problem = new IdnodeError('REQUEST_INVALID', 'bad');
  t.same(problemItem(problem), { handle: '', values: undefined, problem });
});
