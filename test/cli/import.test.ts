import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import type { CliIo } from '../../src/cli/cli-io.js';
import { sendBatch } from '../../src/cli/import/batch-client.js';
import { csvFields } from '../../src/cli/import/csv-row.js';
import { Progress } from '../../src/cli/import/progress.js';
import { runCli } from '../../src/cli/program.js';
import { lineOf, serial } from '../helpers/bulk-data.js';
import { countUnder, startBothNode, type BothNode } from '../helpers/grpc-node.js';

const DEMO = '88.999.DEMO';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], cwd: string): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    env: {},
    cwd,
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    exit: () => {
      throw new Error('import must not end the process');
    },
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

function importArgs(both: BothNode, dir: string, file: string, ...extra: string[]): string[] {
  const demo = both.credentials.demoEnterprise;
  writeFileSync(join(dir, 'secret'), `${demo.secret}\n`);
  return ['import', file, '--url', both.url, '--identity', demo.id, '--secret-file', 'secret', ...extra];
}

async function registrations(both: BothNode): Promise<number> {
  await both.node.metering.flush();
  const rows = await both.store.listCounters('2000-01-01', '2100-01-01');
  return rows.filter((row) => row.kind === 'registration').reduce((sum, row) => sum + row.count, 0);
}

t.test('idnode import FILE.ndjson: failing lines reported by number, valid lines registered, summary printed', async (t) => {
  const dir = t.testdir();
  const both = await startBothNode({ dir: join(dir, 'node'), synchronous: 'normal' });
  t.teardown(() => both.close());
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) lines.push(lineOf(DEMO, i));
  lines.splice(4, 0, '{"handle": oops}');
  lines.splice(9_000, 0, '', JSON.stringify({ handle: '88.999.OTHER/X', values: [{ index: 1, type: 'URL', data: 'x' }] }));
  lines.push(lineOf(DEMO, 3).replace('https://example.org/p/3', 'https://different'));
  writeFileSync(join(dir, 'ids.ndjson'), lines.join('\n') + '\n');

  const result = await run(importArgs(both, dir, 'ids.ndjson', '--batch-size', '700', '--concurrency', '3'), dir);
  t.equal(result.code, 1, 'some lines failed');
  const reported = result.stderr.split('\n').filter((line) => line.startsWith('line '));
  t.same(reported, [
    "line 5: REQUEST_INVALID: not valid JSON (Unexpected token 'o', \"{\"handle\": oops}\" is not valid JSON)",
    'line 9002: PERMISSION_DENIED: enterprise 300:0.NA/88.999.DEMO (prefix 88.999.DEMO) may not write under prefix 88.999.OTHER',
    `line 20004: HANDLE_ALREADY_EXISTS: ${DEMO}/${serial(3)} already exists with other values (overwrite=false)`,
  ]);
  t.match(result.stderr, /\[#{24}\] 100%  20,003 lines  [\d,]+\/s  ETA 0:00\n/, 'a final progress line');
  t.match(result.stderr, /\nimport incomplete: 3 of 20,003 lines failed \(each is reported above with its line number\); the other 20,000 are registered\. Fix those lines and run the same import again/);
  t.notMatch(result.stderr, /REQUEST_INVALID: 3 of/, 'no catalogue error for a partial import');
  t.match(result.stdout, /^Imported ids\.ndjson: 20,003 lines in [\d.]+ s \([\d,]+\/s\)\n  created         20,000\n  already existed 0\n  updated         0\n  failed          3\n$/);
  t.equal(await countUnder(both.store, DEMO), 20_000);

  // Run again with --overwrite and --json: nothing new, the changed line replaces, the bad lines fail again.
  const again = await run(importArgs(both, dir, 'ids.ndjson', '--overwrite', '--json', '--no-progress'), dir);
  t.equal(again.code, 1);
  t.notMatch(again.stderr, /ETA/);
  t.match(JSON.parse(again.stdout), { file: join(dir, 'ids.ndjson'), lines: 20_003, created: 0, alreadyExisted: 20_000, updated: 1, failed: 2 });
  t.equal(await registrations(both), 20_000);
});

t.test('idnode import FILE.csv', async (t) => {
  const dir = t.testdir();
  const both = await startBothNode({ dir: join(dir, 'node') });
  t.teardown(() => both.close());
  const csv = [
    'handle,1:URL,2:product.model',
    `${DEMO}/C-1,https://example.org/c1,"M-1, rev ""A"""`,
    `${DEMO}/C-2,https://example.org/c2,`,
    `${DEMO}/C-3,"unterminated`,
    `${DEMO}/C-4,only-two-fields`,
    '',
    `${DEMO}/C-5,https://example.org/c5,M-5`,
  ];
  writeFileSync(join(dir, 'ids.csv'), csv.join('\r\n'));
  const result = await run(importArgs(both, dir, 'ids.csv'), dir);
  t.equal(result.code, 1);
  t.same(
    result.stderr.split('\n').filter((line) => line.startsWith('line ')),
    ['line 4: REQUEST_INVALID: a quoted field is not closed on this line (fields spanning lines are not supported)', 'line 5: REQUEST_INVALID: 2 fields, but the header has 3'],
  );
  const c1 = await both.store.getHandle(`${DEMO}/C-1`);
  t.same(c1!.values.map((value) => [value.index, value.type, value.data.value]), [
    [1, 'URL', 'https://example.org/c1'],
    [2, 'product.model', 'M-1, rev "A"'],
    [100, 'HS_ADMIN', { handle: `0.NA/${DEMO}`, index: 300, permissions: '011111110011' }],
  ]);
  t.same((await both.store.getHandle(`${DEMO}/C-2`))!.values.map((value) => value.index), [1, 100], 'an empty cell is no value');
  t.ok(await both.store.getHandle(`${DEMO}/C-5`));

  writeFileSync(join(dir, 'bad-header.csv'), 'id,1:URL\nx,y\n');
  const badHeader = await run(importArgs(both, dir, 'bad-header.csv'), dir);
  t.equal(badHeader.code, 1);
  t.match(badHeader.stderr, /error: REQUEST_INVALID: CSV header \(line 1\) column 1 is "id"; columns are "handle" and "<index>:<type>"/);
  writeFileSync(join(dir, 'as-csv.txt'), 'handle,1:URL\n88.999.DEMO/TXT,u\n');
  t.equal((await run(importArgs(both, dir, 'as-csv.txt', '--format', 'csv'), dir)).code, 0, '--format overrides the extension');
  t.ok(await both.store.getHandle(`${DEMO}/TXT`));
});

t.test('whole-import refusals and usage errors', async (t) => {
  const dir = t.testdir();
  const both = await startBothNode({ dir: join(dir, 'node') });
  t.teardown(() => both.close());
  writeFileSync(join(dir, 'ids.ndjson'), lineOf(DEMO, 1));
  const demo = both.credentials.demoEnterprise;
  const wrong = await run(['import', 'ids.ndjson', '--url', both.url, '--identity', demo.id, '--secret', 'wrong'], dir);
  t.equal(wrong.code, 1);
  t.match(wrong.stderr, /error: AUTHENTICATION_FAILED: the node refused the batch: authentication failed for "300:0.NA\/88.999.DEMO"/);
  const noSecret = await run(['import', 'ids.ndjson', '--url', both.url, '--identity', demo.id], dir);
  t.equal(noSecret.code, 2);
  t.match(noSecret.stderr, /give the secret with --secret-file <file>/);
  const badBatch = await run(importArgs(both, dir, 'ids.ndjson', '--batch-size', '2001'), dir);
  t.equal(badBatch.code, 2);
  t.match(badBatch.stderr, /--batch-size.*must be an integer from 1 to 2000, got "2001"/);
  const badFormat = await run(importArgs(both, dir, 'ids.ndjson', '--format', 'xml'), dir);
  t.equal(badFormat.code, 2);
  // Missing files are usage errors that name the file, never a stack trace.
  const noFile = await run(importArgs(both, dir, 'nowhere.ndjson'), dir);
  t.equal(noFile.code, 2);
  t.match(noFile.stderr, /^error: cannot read the import file nowhere\.ndjson: no such file\n/);
  t.notMatch(noFile.stderr, /\n\s+at /, 'no stack trace');
  const noSecretFile = await run(['import', 'ids.ndjson', '--url', both.url, '--identity', demo.id, '--secret-file', 'no-such-secret'], dir);
  t.equal(noSecretFile.code, 2);
  t.match(noSecretFile.stderr, /^error: cannot read the secret file no-such-secret: no such file\n/);
  t.notMatch(noSecretFile.stderr, /\n\s+at /, 'no stack trace');
  t.equal((await run(importArgs(both, dir, '.'), dir)).stderr.split('\n')[0], 'error: cannot read the import file .: it is a directory');
  t.equal(await countUnder(both.store, DEMO), 0);
});

t.test('a node that cannot be reached is never drawn as done', async (t) => {
  const dir = t.testdir();
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as { port: number }).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  writeFileSync(join(dir, 'ids.ndjson'), `${lineOf(DEMO, 1)}\n${lineOf(DEMO, 2)}\n`);
  writeFileSync(join(dir, 'secret'), 'x\n');
  const result = await run(['import', 'ids.ndjson', '--url', `http://127.0.0.1:${port}`, '--identity', '300:0.NA/88.999.DEMO', '--secret-file', 'secret'], dir);
  t.equal(result.code, 1);
  t.match(result.stderr, /error: NODE_UNREACHABLE: cannot send a batch to http:\/\/127\.0\.0\.1:\d+\/api\/v1\/handles\/batch/);
  t.notMatch(result.stderr, /100%/, 'no full bar before the failure');
  t.notMatch(result.stderr, /#/, 'nothing was answered, so the bar stays empty');
});

t.test('a batch lost in transit is sent again; the node counts it once', async (t) => {
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    request.resume();
    request.on('end', () => {
      if (requests === 1) response.writeHead(503).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ responseCode: 1, results: [{ position: 0, handle: 'h', status: 'created' }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const results = await sendBatch([{ handle: 'h', values: [] }], { url: `http://127.0.0.1:${port}/`, authorization: 'Basic x', overwrite: false, backoffMs: 1 });
  t.same(results, [{ position: 0, handle: 'h', status: 'created' }]);
  t.equal(requests, 2);
  server.close();
  await t.rejects(sendBatch([{ handle: 'h', values: [] }], { url: `http://127.0.0.1:${port}`, authorization: 'Basic x', overwrite: false, attempts: 2, backoffMs: 1 }), {
    code: 'NODE_UNREACHABLE',
    message: new RegExp(`cannot send a batch to http://127.0.0.1:${port}/api/v1/handles/batch\\?overwrite=false after 2 attempts`),
  });
});

t.test('CSV fields and the progress line', async (t) => {
  t.same(csvFields('a,"b,c",,"d""e"'), { fields: ['a', 'b,c', '', 'd"e'] });
  t.same(csvFields('"a"x'), { problem: 'a closing quote is followed by "x" instead of a comma' });
  t.same(csvFields(''), { fields: [''] });
  let now = 0;
  const progress = new Progress(1000, () => now);
  now = 2000;
  t.equal(progress.line(250, 5000), '[######------------------]  25%  5,000 lines  2,500/s  ETA 0:06');
  now = 4_000_000;
  t.equal(progress.line(500, 10), '[############------------]  50%  10 lines  0/s  ETA 1:06:40');
  t.equal(new Progress(0, () => 0).line(0, 0), '[########################] 100%  0 lines  0/s  ETA 0:00');
});
