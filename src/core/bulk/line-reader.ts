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
  for await (const batch of readLineBatches(source, maxLineBytes)) yield* batch;
}

/**
 * readLines, a source chunk at a time: each batch holds the lines completed by one chunk of `source` (none
 * when the chunk ends no line), in order. A bulk import reads this way: the complete lines of a chunk are
 * decoded as one text, not one by one, and the reader is resumed once per chunk, not once per line.
 */
export async function* readLineBatches(source: AsyncIterable<Uint8Array | string>, maxLineBytes: number): AsyncGenerator<Line[]> {
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

  /** The whole lines of `region` (each ended by a newline, the last one's dropped), decoded as one text. */
  const finishAll = (region: Buffer, lines: Line[]): void => {
    let text: string;
    try {
      text = decoder.decode(region);
    } catch {
      // Some line is not UTF-8: decode line by line to tell which.
      for (let start = 0; start < region.length; ) {
        const end = region.indexOf(NEWLINE, start);
        lines.push(finish(region.subarray(start, end)));
        start = end + 1;
      }
      return;
    }
    // Every character of an all-ASCII text is one byte, so a line's length is its byte count.
    const ascii = text.length === region.length;
    for (let start = 0; start < text.length; ) {
      const end = text.indexOf('\n', start);
      let line = text.slice(start, end);
      start = end + 1;
      lineNumber++;
      const bytes = ascii ? line.length : Buffer.byteLength(line, 'utf8');
      if (bytes > maxLineBytes) {
        lines.push({ line: lineNumber, problem: 'too-long', bytes });
        continue;
      }
      if (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN) line = line.slice(0, -1);
      lines.push({ line: lineNumber, text: line, bytes });
    }
  };

  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const lines: Line[] = [];
    let start = 0;
    const first = buffer.indexOf(NEWLINE);
    if (first >= 0) {
      // The first line may continue what earlier chunks held; the lines after it lie wholly in this chunk.
      lines.push(finish(buffer.subarray(0, first)));
      const last = buffer.lastIndexOf(NEWLINE);
      if (last > first) finishAll(buffer.subarray(first + 1, last + 1), lines);
      start = last + 1;
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
    yield lines;
  }
  if (held > 0 || overflow > 0) yield [finish(Buffer.alloc(0))];
}
