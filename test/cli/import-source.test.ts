import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { importEntries, MAX_LINE_BYTES, type SourceEntry } from '../../src/cli/import/import-source.js';

async function entriesOf(file: string, format: 'ndjson' | 'csv'): Promise<SourceEntry[]> {
  const entries: SourceEntry[] = [];
  for await (const entry of importEntries(file, format, () => {})) entries.push(entry);
  return entries;
}

/** What the CLI prints for each line: the item, or "REQUEST_INVALID: <problem>". */
function shown(entries: readonly SourceEntry[]): [number, unknown][] {
  return entries.map((entry) => [entry.line, entry.item.problem ? `${entry.item.problem.code}: ${entry.item.problem.message}` : entry.item]);
}

t.test('NDJSON lines: the CLI’s wording of every problem, blank lines skipped', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'ids.ndjson');
  const tooLong = `{"handle": "88.999/L", "values": "${'x'.repeat(MAX_LINE_BYTES)}"}`;
  writeFileSync(
    file,
    Buffer.concat([
      Buffer.from('{"handle": "88.999/A", "values": [{"index": 1, "type": "URL", "data": "x"}]}\n\n   \n{"handle": oops}\n[1]\n'),
      Buffer.from([0x7b, 0xff, 0x7d, 0x0a]),
      Buffer.from(`${tooLong}\r\n{"handle": "88.999/B"}`),
    ]),
  );
  t.same(shown(await entriesOf(file, 'ndjson')), [
    [1, { handle: '88.999/A', values: [{ index: 1, type: 'URL', data: 'x' }] }],
    [4, `REQUEST_INVALID: not valid JSON (Unexpected token 'o', "{"handle": oops}" is not valid JSON)`],
    [5, 'REQUEST_INVALID: must be a JSON object {"handle": ..., "values": [...]}'],
    [6, 'REQUEST_INVALID: the line is not valid UTF-8'],
    [7, `REQUEST_INVALID: the line is ${Buffer.byteLength(tooLong) + 1} bytes; the limit is ${MAX_LINE_BYTES}`],
    [8, { handle: '88.999/B', values: undefined }],
  ]);
});

t.test('CSV lines: unreadable lines worded as for NDJSON, rows by the header', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'ids.csv');
  writeFileSync(file, Buffer.concat([Buffer.from('handle,1:URL\n88.999/C,https://c\n'), Buffer.from([0xff, 0x0a]), Buffer.from('88.999/D,"open\n\n88.999/E,\n')]));
  t.same(shown(await entriesOf(file, 'csv')), [
    [2, { handle: '88.999/C', values: [{ index: 1, type: 'URL', data: 'https://c' }] }],
    [3, 'REQUEST_INVALID: the line is not valid UTF-8'],
    [4, 'REQUEST_INVALID: a quoted field is not closed on this line (fields spanning lines are not supported)'],
    [6, { handle: '88.999/E', values: [] }],
  ]);
});
