import { REFERRAL_HOPS_HEADER } from '../../core/resolver/remote-resolver.js';

/**
 * The one request head the fast lane answers itself: `GET <target> HTTP/1.1`, exactly one Host, and no header
 * that gives the request a body, credentials, a referral, an upgrade, an expectation or the end of the
 * connection. Anything else, and anything this strict reading does not recognise byte for byte (obs-fold, a
 * control character, a bare LF, a head over Node's 16 KiB), is not read here at all: the connection goes to
 * node:http, whose parser is the one that answers or refuses it (fast-lane.ts). So this reader never has to be
 * lenient, and never refuses anything itself. A head that has not all arrived yet is Partial: the lane waits
 * for the rest (a pipelined stream is cut into reads anywhere).
 *
 * `bytes` are read where they are, without a string copy of them: a request read costs no allocation beyond
 * the target's and the request id's strings (Latin-1 of their bytes), as it is filled in `head`, which is reused.
 */
export interface LaneHead {
  /** The request target as sent (ASCII, no spaces). */
  target: string;
  /** The x-request-id value as sent; undefined when absent; null when sent more than once (replaced, as Node's joined value would be). */
  requestId: string | null | undefined;
  /** Offset just past the head's final CRLF. */
  end: number;
}

/** Node's default --max-http-header-size: a longer head is node:http's to refuse. */
export const MAX_HEAD_BYTES = 16 * 1024;

const REQUEST_LINE_START = 'GET ';
const HTTP_1_1 = ' HTTP/1.1\r\n';

/** What readLaneHead found at `start`. */
export const HeadRead = {
  /** A whole head the lane answers: `head` describes it. */
  Lane: 0,
  /** The head does not end within `bytes`, and nothing in it so far is what the lane leaves to node:http. */
  Partial: 1,
  /** A head, or the start of one, that is node:http's. */
  NodeHttp: 2,
} as const;
export type HeadRead = (typeof HeadRead)[keyof typeof HeadRead];

export function readLaneHead(bytes: Buffer, start: number, head: LaneHead): HeadRead {
  if (bytes.length - start < REQUEST_LINE_START.length) {
    return startsWithAscii(bytes, start, REQUEST_LINE_START.slice(0, bytes.length - start)) ? HeadRead.Partial : HeadRead.NodeHttp;
  }
  if (!startsWithAscii(bytes, start, REQUEST_LINE_START)) return HeadRead.NodeHttp;
  const lineEnd = indexOfCrlf(bytes, start);
  if (lineEnd < 0) return partial(bytes, start);
  if (lineEnd - start > MAX_HEAD_BYTES) return HeadRead.NodeHttp;
  const space = indexOfByte(bytes, SP, start + REQUEST_LINE_START.length, bytes.length);
  if (space < 0 || space + HTTP_1_1.length !== lineEnd + 2 || !startsWithAscii(bytes, space, HTTP_1_1)) return HeadRead.NodeHttp;
  const targetStart = start + REQUEST_LINE_START.length;
  if (space === targetStart || !visibleAscii(bytes, targetStart, space)) return HeadRead.NodeHttp;
  let hosts = 0;
  let requestId: string | null | undefined;
  let at = lineEnd + 2;
  for (;;) {
    if (at - start > MAX_HEAD_BYTES) return HeadRead.NodeHttp;
    const end = indexOfCrlf(bytes, at);
    if (end < 0) return partial(bytes, start);
    if (end === at) {
      if (hosts !== 1 || end + 2 - start > MAX_HEAD_BYTES) return HeadRead.NodeHttp;
      head.target = bytes.toString('latin1', targetStart, space);
      head.requestId = requestId;
      head.end = end + 2;
      return HeadRead.Lane;
    }
    const colon = indexOfByte(bytes, COLON, at, end);
    if (colon <= at || !tokenChars(bytes, at, colon)) return HeadRead.NodeHttp;
    let valueStart = colon + 1;
    let valueEnd = end;
    while (valueStart < valueEnd && isWhitespace(bytes[valueStart]!)) valueStart++;
    while (valueEnd > valueStart && isWhitespace(bytes[valueEnd - 1]!)) valueEnd--;
    if (!fieldValueChars(bytes, valueStart, valueEnd)) return HeadRead.NodeHttp;
    switch (headerOf(bytes, at, colon)) {
      case Header.Host:
        hosts++;
        break;
      case Header.RequestId:
        requestId = requestId === undefined ? bytes.toString('latin1', valueStart, valueEnd) : null;
        break;
      case Header.Connection:
        if (!keepsConnection(bytes, valueStart, valueEnd)) return HeadRead.NodeHttp;
        break;
      case Header.NotForTheLane:
        return HeadRead.NodeHttp;
      case Header.Other:
        break;
    }
    at = end + 2;
  }
}

/** The rest of `bytes` from `start` is the beginning of a head: wait for more, unless it is already too long. */
function partial(bytes: Buffer, start: number): HeadRead {
  return bytes.length - start > MAX_HEAD_BYTES ? HeadRead.NodeHttp : HeadRead.Partial;
}

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const COLON = 0x3a;

/** The offset of the first CRLF at or after `from`; -1 when there is none. */
function indexOfCrlf(bytes: Buffer, from: number): number {
  for (let i = from; i + 1 < bytes.length; i++) if (bytes[i] === CR && bytes[i + 1] === LF) return i;
  return -1;
}

/** The offset of the first `byte` in [from, end); -1 when there is none. */
function indexOfByte(bytes: Buffer, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (bytes[i] === byte) return i;
  return -1;
}

/** Whether `bytes` at `at` are the characters of `ascii`. */
function startsWithAscii(bytes: Buffer, at: number, ascii: string): boolean {
  if (at + ascii.length > bytes.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/** What a header name is to the lane. */
const Header = { Other: 0, Host: 1, RequestId: 2, Connection: 3, NotForTheLane: 4 } as const;
type Header = (typeof Header)[keyof typeof Header];

/** Headers that make a request something else than a plain anonymous read (node:http and fastify serve it). */
const NOT_FOR_THE_LANE = ['authorization', 'content-length', 'transfer-encoding', 'expect', 'upgrade', REFERRAL_HOPS_HEADER];

/** The header names the lane looks for, in lower case, and what each is to it. */
const NAMES: readonly string[] = ['host', 'x-request-id', 'connection', ...NOT_FOR_THE_LANE];
const HEADERS: readonly Header[] = [Header.Host, Header.RequestId, Header.Connection, ...NOT_FOR_THE_LANE.map(() => Header.NotForTheLane)];

/** Compared in place, without a lower-cased copy: reading a head allocates nothing for the headers it passes over. */
function headerOf(bytes: Buffer, start: number, end: number): Header {
  const length = end - start;
  for (let i = 0; i < NAMES.length; i++) if (NAMES[i]!.length === length && equalsLowerCase(bytes, start, NAMES[i]!)) return HEADERS[i]!;
  return Header.Other;
}

/** A Connection value that keeps the connection open, as HTTP/1.1's default does (empty or keep-alive only). */
function keepsConnection(bytes: Buffer, start: number, end: number): boolean {
  return end === start || (end - start === KEEP_ALIVE.length && equalsLowerCase(bytes, start, KEEP_ALIVE));
}

const KEEP_ALIVE = 'keep-alive';

/** Whether `bytes` at `start` are `lower` (lower-case ASCII) in any case; the caller has checked there is room. */
function equalsLowerCase(bytes: Buffer, start: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const code = bytes[start + i]!;
    // ASCII letters only are folded (as toLowerCase would for a token: tchar is ASCII).
    if ((code >= 0x41 && code <= 0x5a ? code + 0x20 : code) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function visibleAscii(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = bytes[i]!;
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** RFC 9110 tchar. */
function tokenChars(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!TCHAR[bytes[i]!]) return false;
  return true;
}

/** RFC 9110 field-value: HTAB, SP, VCHAR, obs-text (no other control character, no DEL). */
function fieldValueChars(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = bytes[i]!;
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return false;
  }
  return true;
}

const TCHAR: readonly boolean[] = Array.from({ length: 256 }, (_, code) => {
  const char = String.fromCharCode(code);
  return /^[A-Za-z0-9!#$%&'*+.^_`|~-]$/.test(char);
});
