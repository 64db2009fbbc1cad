import { createReadStream } from 'node:fs';
import type { BulkItem } from '../../core/bulk/bulk-types.js';
import { readLines } from '../../core/bulk/line-reader.js';
import { decodeNdjsonLine, problemItem, unreadableLine, type NdjsonWording } from '../../core/bulk/ndjson-line.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import { csvFields } from './csv-row.js';

/**
 * One identifier read from the file, with its line. An item with a `problem` is a line that could not be
 * read (the problem says why, always REQUEST_INVALID); it is reported, never sent.
 */
export interface SourceEntry {
  readonly line: number;
  readonly item: BulkItem;
}

export type SourceFormat = 'ndjson' | 'csv';

/** Longest line read (bytes); a longer one is reported and skipped without being held. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** The format a file name implies: .csv is CSV, anything else NDJSON. */
export function formatOf(file: string): SourceFormat {
  return file.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson';
}

/**
 * Streams the identifiers of an import file, a line at a time (flat memory whatever its size). Blank lines
 * are skipped. `onBytes` is told how many bytes were read so far (for progress).
 *
 * NDJSON: one {"handle": ..., "values": [...]} per line, values as in the REST API.
 * CSV: a header line `handle,<index>:<type>,...` (e.g. `handle,1:URL,2:product.model`), then one identifier
 * per line; each non-empty cell becomes a value of format string at its column's index and type, an empty
 * cell none. Throws IdnodeError REQUEST_INVALID for an unusable CSV header (nothing can be read without one).
 */
export async function* importEntries(file: string, format: SourceFormat, onBytes: (bytes: number) => void): AsyncGenerator<SourceEntry> {
  let columns: readonly Column[] | undefined;
  for await (const line of readLines(counted(createReadStream(file), onBytes), MAX_LINE_BYTES)) {
    if (format === 'ndjson') {
      const item = decodeNdjsonLine(line, LINE_WORDING);
      if (item !== undefined) yield { line: line.line, item };
      continue;
    }
    const unreadable = unreadableLine(line, LINE_WORDING);
    if (unreadable !== undefined) {
      yield { line: line.line, item: problemItem(unreadable) };
      continue;
    }
    const text = line.text!;
    if (text.trim() === '') continue;
    if (columns === undefined) {
      columns = csvHeader(line.line, text);
    } else {
      yield csvEntry(line.line, text, columns);
    }
  }
}

async function* counted(source: AsyncIterable<Buffer>, onBytes: (bytes: number) => void): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    onBytes(bytes);
    yield chunk;
  }
}

/** How the CLI words a line it cannot read (printed after "line N: REQUEST_INVALID: "). */
const LINE_WORDING: NdjsonWording = {
  tooLong: (_line, bytes) => lineProblem(`the line is ${bytes} bytes; the limit is ${MAX_LINE_BYTES}`),
  notUtf8: () => lineProblem('the line is not valid UTF-8'),
  notJson: (_line, reason) => lineProblem(`not valid JSON (${reason})`),
  notObject: () => lineProblem('must be a JSON object {"handle": ..., "values": [...]}'),
};

function lineProblem(message: string): IdnodeError {
  return new IdnodeError('REQUEST_INVALID', message);
}

interface Column {
  /** undefined for the handle column. */
  readonly value?: { readonly index: number; readonly type: string };
}

function csvHeader(line: number, text: string): Column[] {
  const parsed = csvFields(text);
  if ('problem' in parsed) throw new IdnodeError('REQUEST_INVALID', `CSV header (line ${line}): ${parsed.problem}`);
  const columns = parsed.fields.map((field, k): Column => {
    const name = field.trim();
    if (name === 'handle') return {};
    const match = /^([0-9]+):(.+)$/.exec(name);
    if (!match) throw new IdnodeError('REQUEST_INVALID', `CSV header (line ${line}) column ${k + 1} is ${JSON.stringify(name)}; columns are "handle" and "<index>:<type>", e.g. 1:URL`);
    return { value: { index: Number(match[1]), type: match[2]! } };
  });
  const handles = columns.filter((column) => column.value === undefined).length;
  if (handles !== 1) throw new IdnodeError('REQUEST_INVALID', `CSV header (line ${line}) must have exactly one "handle" column, found ${handles}`);
  return columns;
}

function csvEntry(line: number, text: string, columns: readonly Column[]): SourceEntry {
  const parsed = csvFields(text);
  if ('problem' in parsed) return { line, item: problemItem(lineProblem(parsed.problem)) };
  if (parsed.fields.length !== columns.length) return { line, item: problemItem(lineProblem(`${parsed.fields.length} fields, but the header has ${columns.length}`)) };
  let handle = '';
  const values: { index: number; type: string; data: string }[] = [];
  for (let k = 0; k < columns.length; k++) {
    const column = columns[k]!;
    const cell = parsed.fields[k]!;
    if (column.value === undefined) handle = cell;
    else if (cell !== '') values.push({ index: column.value.index, type: column.value.type, data: cell });
  }
  return { line, item: { handle, values } };
}
