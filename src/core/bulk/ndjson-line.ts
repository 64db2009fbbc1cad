import type { IdnodeError } from '../errors/catalogue.js';
import type { BulkItem } from './bulk-types.js';
import type { Line } from './line-reader.js';

/**
 * How the problems of an NDJSON line are worded, and under which catalogue code. The node's import route
 * and the CLI import each keep the wording their users have always been shown (the node names the line in
 * the message; the CLI prints the line number before it); what counts as a problem is decided once, in
 * decodeNdjsonLine.
 */
export interface NdjsonWording {
  /** The line was longer than the reader's limit; `bytes` is its whole length. */
  tooLong(line: number, bytes: number): IdnodeError;
  notUtf8(line: number): IdnodeError;
  /** `reason` is JSON.parse's own message. */
  notJson(line: number, reason: string): IdnodeError;
  /** Valid JSON, but not an object (an array, a string, null, ...). */
  notObject(line: number): IdnodeError;
}

/**
 * One line of an NDJSON import as a bulk item. A line `{"handle": ..., "values": [...]}` gives the item,
 * still unvalidated (the bulk session validates it like a PUT); a blank line gives undefined (not an item:
 * skipped, and not counted as received); any other line gives a problem item, which fails at its position
 * with `wording`'s error: a line the reader could not read (too long, not UTF-8), one that is not JSON, or
 * JSON that is not an object. Never throws.
 */
export function decodeNdjsonLine(line: Line, wording: NdjsonWording): BulkItem | undefined {
  const unreadable = unreadableLine(line, wording);
  if (unreadable !== undefined) return problemItem(unreadable);
  const text = line.text!;
  if (text.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return problemItem(wording.notJson(line.line, (error as Error).message));
  }
  return itemOfObject(parsed) ?? problemItem(wording.notObject(line.line));
}

/** The problem of a line the reader could not read (too long, not UTF-8), worded; undefined when it has text. */
export function unreadableLine(line: Line, wording: NdjsonWording): IdnodeError | undefined {
  if (line.problem === 'too-long') return wording.tooLong(line.line, line.bytes);
  if (line.problem === 'not-utf8') return wording.notUtf8(line.line);
  return undefined;
}

/** The item a decoded JSON value stands for ({"handle": ..., "values": [...]}), or undefined when it is not a JSON object. */
export function itemOfObject(parsed: unknown): BulkItem | undefined {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  return { handle: record['handle'], values: record['values'] };
}

/** An item the front end could not decode: it fails with `problem` at its position. */
export function problemItem(problem: IdnodeError): BulkItem {
  return { handle: '', values: undefined, problem };
}
