/** One line of a text stream. Exactly one of `text` and `problem` is set. */
export interface Line {
  /** 1-based. */
  readonly line: number;
  /** The line without its "\n" (and without a "\r" before it). */
  readonly text?: string;
  /** Why the line could not be read: longer than the limit, or not UTF-8. Its bytes were skipped. */
  readonly problem?: 'too-long' | 'not-utf8';
  /** Bytes of the line (for too-long, all of them, although only the limit was ever held). */
  readonly bytes: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into lines as it arrives, holding at most one partial line (bounded by
 * `maxLineBytes`), so a body of any length is read in flat memory. A newline byte never occurs inside a
 * multi-byte UTF-8 sequence, so splitting bytes first and decoding each line after is exact. Every line is
 * yielded, blank ones included (callers decide what a blank line means); a last line without "\n" counts.
 * Rejects only if `source` does (e.g. the client went away).
 */
export async function* readLines(source: AsyncIterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<Line> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let held = 0;
  let overflow = 0;
  let lineNumber = 0;

  const finish = (tail: Buffer): Line => {
    lineNumber++;
    if (overflow > 0) {
      const bytes = overflow + tail.length;
      overflow = 0;
      parts = [];
      held = 0;
      return { line: lineNumber, problem: 'too-long', bytes };
    }
    let bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail], held + tail.length);
    parts = [];
    held = 0;
    const length = bytes.length;
    if (length > maxLineBytes) return { line: lineNumber, problem: 'too-long', bytes: length };
    if (length > 0 && bytes[length - 1] === CARRIAGE_RETURN) bytes = bytes.subarray(0, length - 1);
    try {
      return { line: lineNumber, text: decoder.decode(bytes), bytes: length };
    } catch {
      return { line: lineNumber, problem: 'not-utf8', bytes: length };
    }
  };

  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(NEWLINE, start);
      if (end < 0) break;
      yield finish(buffer.subarray(start, end));
      start = end + 1;
    }
    if (start < buffer.length) {
      const rest = buffer.subarray(start);
      // Past the limit the line is only measured, never held.
      if (overflow > 0 || held + rest.length > maxLineBytes) {
        overflow += held + rest.length;
        parts = [];
        held = 0;
      } else {
        // Copied: the source may reuse its buffer once we ask for the next chunk.
        parts.push(Buffer.from(rest));
        held += rest.length;
      }
    }
  }
  if (held > 0 || overflow > 0) yield finish(Buffer.alloc(0));
}
