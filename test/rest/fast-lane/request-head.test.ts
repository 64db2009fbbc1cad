import t from 'tap';
import { HeadRead, MAX_HEAD_BYTES, readLaneHead, type LaneHead } from '../../../src/rest/fast-lane/request-head.js';

const fresh = (): LaneHead => ({ target: '', requestId: undefined, end: 0 });
// The heads below are written as text, one character a byte (Latin-1), as they arrive on a socket.
const read = (text: string, start = 0) => {
  const head = fresh();
  return readLaneHead(Buffer.from(text, 'latin1'), start, head) === HeadRead.Lane ? head : undefined;
};
const verdict = (text: string) => readLaneHead(Buffer.from(text, 'latin1'), 0, fresh());

t.test('a plain GET is read: target, request id, where the next request starts', async (t) => {
  const first = 'GET /api/handles/88.1/A HTTP/1.1\r\nHost: node\r\nX-Request-Id: trace-1\r\nAccept: */*\r\n\r\n';
  const second = 'GET /api/handles/88.1/B HTTP/1.1\r\nhost:node\r\nconnection: Keep-Alive\r\n\r\n';
  const head = read(first + second);
  t.same(head, { target: '/api/handles/88.1/A', requestId: 'trace-1', end: first.length });
  t.same(read(first + second, first.length), { target: '/api/handles/88.1/B', requestId: undefined, end: first.length + second.length });
  t.same(read('GET /x HTTP/1.1\r\nHost: a\r\nx-request-id: one\r\nX-REQUEST-ID: two\r\n\r\n')?.requestId, null, 'a repeated request id is neither value');
  t.same(read('GET /x HTTP/1.1\r\nHost: a\r\nConnection:\r\nX-Other: \t v\u00e9 \t\r\n\r\n')?.target, '/x', 'empty and padded values, obs-text');
});

t.test('anything else is left to node:http', async (t) => {
  const cases: Record<string, string> = {
    'another method': 'PUT /x HTTP/1.1\r\nHost: a\r\n\r\n',
    'lower-case method': 'get /x HTTP/1.1\r\nHost: a\r\n\r\n',
    'HTTP/1.0': 'GET /x HTTP/1.0\r\nHost: a\r\n\r\n',
    'HTTP/2 preface': 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n',
    'two spaces': 'GET  /x HTTP/1.1\r\nHost: a\r\n\r\n',
    'a space in the target': 'GET /x y HTTP/1.1\r\nHost: a\r\n\r\n',
    'a non-ASCII target': 'GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n',
    'an empty line first': '\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n',
    'no Host': 'GET /x HTTP/1.1\r\nAccept: */*\r\n\r\n',
    'two Hosts': 'GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n',
    credentials: 'GET /x HTTP/1.1\r\nHost: a\r\nAuthorization: Basic eDp5\r\n\r\n',
    'a Content-Length': 'GET /x HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n',
    'a Transfer-Encoding': 'GET /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    'an Expect': 'GET /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n',
    'an Upgrade': 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
    'Connection: close': 'GET /x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n',
    'a referral': 'GET /x HTTP/1.1\r\nHost: a\r\nIdnode-Referral-Hops: 1\r\n\r\n',
    'obs-fold': 'GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n',
    'a space before the colon': 'GET /x HTTP/1.1\r\nHost : a\r\n\r\n',
    'no colon': 'GET /x HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n',
    'an empty name': 'GET /x HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n',
    'a control character in a value': 'GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\u0000c\r\n\r\n',
    'DEL in a value': 'GET /x HTTP/1.1\r\nHost: a\r\nX-A: b\u007f\r\n\r\n',
    'a bare LF': 'GET /x HTTP/1.1\nHost: a\r\n\r\n',
    'a bare LF between headers': 'GET /x HTTP/1.1\r\nHost: a\nX-A: b\r\n\r\n',
    'an empty target': 'GET  HTTP/1.1\r\nHost: a\r\n\r\n',
  };
  for (const [what, text] of Object.entries(cases)) t.equal(verdict(text), HeadRead.NodeHttp, what);
});

t.test('header names, and the Connection value, are matched in any case, and only whole', async (t) => {
  const withHeaders = (...lines: string[]) => `GET /x HTTP/1.1\r\n${lines.map((line) => `${line}\r\n`).join('')}\r\n`;
  t.equal(verdict(withHeaders('hOsT: a')), HeadRead.Lane);
  t.equal(read(withHeaders('HOST: a', 'x-REQUEST-id: r1'))?.requestId, 'r1');
  t.equal(verdict(withHeaders('Host: a', 'CONNECTION: KEEP-ALIVE')), HeadRead.Lane);
  for (const name of ['aUtHoRiZaTiOn', 'CONTENT-LENGTH', 'transfer-Encoding', 'EXPECT', 'upGrade', 'IDNODE-REFERRAL-HOPS']) {
    t.equal(verdict(withHeaders('Host: a', `${name}: 1`)), HeadRead.NodeHttp, name);
  }
  // Names as long as one the lane looks for, differing by a character: other headers.
  t.equal(verdict(withHeaders('Hose: a')), HeadRead.NodeHttp, 'Hose is not Host: no Host');
  t.equal(verdict(withHeaders('Host: a', 'Hose: b', 'Expecs: c', 'x-request-ie: d')), HeadRead.Lane, 'near names are other headers');
  t.equal(read(withHeaders('Host: a', 'x-request-ie: d'))?.requestId, undefined);
  t.equal(verdict(withHeaders('Host: a', 'Connection: keep-alivf')), HeadRead.NodeHttp, 'a Connection value other than keep-alive');
  t.equal(verdict(withHeaders('Host: a', 'Connection: keep-alive, x')), HeadRead.NodeHttp);
});

t.test('the start of a head the lane could answer is partial: the lane waits for the rest', async (t) => {
  const whole = 'GET /api/handles/88.1/A HTTP/1.1\r\nHost: a\r\nX-Request-Id: r\r\n\r\n';
  for (let cut = 0; cut < whole.length; cut++) t.equal(verdict(whole.slice(0, cut)), HeadRead.Partial, `cut at ${cut}`);
  t.equal(verdict(whole), HeadRead.Lane);
  t.equal(verdict('GE'), HeadRead.Partial);
  t.equal(verdict('PU'), HeadRead.NodeHttp, 'not the start of a GET');
  t.equal(verdict('GET /x HTTP/1.1\r\nAuthorization: x\r\n'), HeadRead.NodeHttp, 'already node:http\'s before it ends');
  t.equal(verdict(`GET /${'x'.repeat(MAX_HEAD_BYTES)}`), HeadRead.NodeHttp, 'a partial line already over the limit');
  t.equal(verdict(`GET /x HTTP/1.1\r\nHost: a\r\nX-Pad: ${'p'.repeat(MAX_HEAD_BYTES)}`), HeadRead.NodeHttp, 'a partial header already over the limit');
});

t.test('a head over 16 KiB is node:http to refuse', async (t) => {
  const padding = (bytes: number) => `X-Pad: ${'p'.repeat(bytes)}\r\n`;
  const fits = `GET /x HTTP/1.1\r\nHost: a\r\n${padding(MAX_HEAD_BYTES - 100)}\r\n`;
  t.ok(read(fits), 'a head within the limit');
  t.equal(read(`GET /x HTTP/1.1\r\nHost: a\r\n${padding(MAX_HEAD_BYTES)}\r\n`), undefined, 'one long header');
  t.equal(read(`GET /x HTTP/1.1\r\nHost: a\r\n${padding(MAX_HEAD_BYTES / 2)}${padding(MAX_HEAD_BYTES / 2)}\r\n`), undefined, 'two headers');
  t.equal(read(`GET /x HTTP/1.1\r\nHost: a\r\n${padding(MAX_HEAD_BYTES - 36)}\r\n`), undefined, 'the final CRLF over the limit');
  t.equal(read(`GET /${'x'.repeat(MAX_HEAD_BYTES)} HTTP/1.1\r\nHost: a\r\n\r\n`), undefined, 'a long request line');
  const many = `GET /x HTTP/1.1\r\nHost: a\r\n${'A: b\r\n'.repeat(MAX_HEAD_BYTES / 6 + 1)}\r\n`;
  t.equal(read(many), undefined, 'many short headers');
});
