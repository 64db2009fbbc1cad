import t from 'tap';
import { readLineBatches, readLines, type Line } from '../../src/core/bulk/line-reader.js';

async function linesOf(chunks: (string | Uint8Array)[], maxLineBytes = 1024): Promise<Line[]> {
  async function* source() {
    for (const chunk of chunks) yield chunk;
  }
  const lines: Line[] = [];
  for await (const line of readLines(source(), maxLineBytes)) lines.push(line);
  return lines;
}

t.test('lines split across chunks, CRLF, blank lines and a last line without newline', async (t) => {
  const lines = await linesOf(['{"a":', '1}\r\n\n', 'x\ny', 'z']);
  t.same(
    lines.map((line) => [line.line, line.text]),
    [
      [1, '{"a":1}'],
      [2, ''],
      [3, 'x'],
      [4, 'yz'],
    ],
  );
});

t.test('a multi-byte character split between chunks is decoded whole', async (t) => {
  const bytes = Buffer.from('88.999.1/标识-1\n', 'utf8');
  const cut = bytes.indexOf(0xe6) + 1; // inside the first CJK character
  const lines = await linesOf([bytes.subarray(0, cut), bytes.subarray(cut)]);
  t.equal(lines[0]!.text, '88.999.1/标识-1');
});

t.test('a too-long line is measured and skipped, never held, and the next line is read', async (t) => {
  const long = 'x'.repeat(5000);
  const lines = await linesOf([long.slice(0, 2000), long.slice(2000), '\nok\n', 'y'.repeat(2000)], 1000);
  t.same(lines[0], { line: 1, problem: 'too-long', bytes: 5000 });
  t.same(lines[1], { line: 2, text: 'ok', bytes: 2 });
  t.same(lines[2], { line: 3, problem: 'too-long', bytes: 2000 });
});

t.test('a line exactly at the limit is read; one byte more is too long', async (t) => {
  const lines = await linesOf([`${'a'.repeat(10)}\n${'b'.repeat(11)}\n`], 10);
  t.equal(lines[0]!.text, 'a'.repeat(10));
  t.equal(lines[1]!.problem, 'too-long');
});

t.test('invalid UTF-8 is reported, not replaced', async (t) => {
  const lines = await linesOf([Buffer.from([0x61, 0xff, 0x62, 0x0a, 0x63])]);
  t.same(lines[0], { line: 1, problem: 'not-utf8', bytes: 3 });
  t.equal(lines[1]!.text, 'c');
});

t.test('an empty source has no lines; a failing source rejects', async (t) => {
  t.same(await linesOf([]), []);
  async function* failing() {
    yield 'a\nb';
    throw new Error('aborted');
  }
  const seen: Line[] = [];
  await t.rejects(async () => {
    for await (const line of readLines(failing(), 100)) seen.push(line);
  }, /aborted/);
  t.same(seen.map((line) => line.text), ['a'], 'the partial line is not yielded');
});

t.test('batches hold the lines each chunk completes; lines inside a chunk are measured and checked like the rest', async (t) => {
  async function* source() {
    yield Buffer.from('a\r\n标识\n', 'utf8');
    yield Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x61, 0xff, 0x0a]), Buffer.from(`${'z'.repeat(20)}\nb\r\npart`)]);
    yield 'ial';
    yield '\n';
  }
  const batches: Line[][] = [];
  for await (const batch of readLineBatches(source(), 10)) batches.push(batch);
  t.same(batches, [
    [
      { line: 1, text: 'a', bytes: 2 },
      { line: 2, text: '标识', bytes: 6 },
    ],
    [
      { line: 3, text: 'ok', bytes: 2 },
      { line: 4, problem: 'not-utf8', bytes: 2 },
      { line: 5, problem: 'too-long', bytes: 20 },
      { line: 6, text: 'b', bytes: 2 },
    ],
    [],
    [{ line: 7, text: 'partial', bytes: 7 }],
  ]);
});

t.test('a non-ASCII line past the limit is too long by its UTF-8 bytes, not its characters', async (t) => {
  const lines = await linesOf(['x\n', `${'标'.repeat(4)}\n${'标'.repeat(3)}\n`], 10);
  t.same(lines.slice(1), [
    { line: 2, problem: 'too-long', bytes: 12 },
    { line: 3, text: '标标标', bytes: 9 },
  ]);
});
