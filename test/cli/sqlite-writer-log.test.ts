import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import t from 'tap';
import { sqliteWriterLog } from '../../src/cli/sqlite-writer-log.js';
import { openSqliteWriter } from '../../src/store/sqlite/sqlite-open.js';

// What serve (and the primary of serve --workers) logs when its SQLite writer thread ends unasked, with a real
// thread made to die (crashThreadForTests). Its restart itself: test/store/sqlite-writer-restart.test.ts.

t.test('a writer thread that ends unasked is logged at level error with its exit code and error, its restart at warn', async (t) => {
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.length > 0) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const writer = openSqliteWriter({ file: join(t.testdir(), 'idnode.sqlite'), writerThread: sqliteWriterLog(pino({ level: 'info' }, sink)) });
  t.teardown(() => writer.close());
  const outstanding = writer.call('setMeta', ['k', 'v'], 'setting k');
  writer.crashThreadForTests('throw');
  await t.rejects(outstanding, { code: 'STORE_UNAVAILABLE' });
  for (let waited = 0; logs.length < 2 && waited < 5000; waited += 10) await sleep(10);
  t.match(logs[0], {
    level: 50,
    exitCode: 1,
    err: { message: /not iterable/ },
    failedCalls: 1,
    crashesInARow: 1,
    restartInMs: 0,
    msg: 'the SQLite writer thread ended unasked (exit code 1); 1 write call(s) failed with STORE_UNAVAILABLE, outcome unknown; restarting it in 0 ms',
  });
  t.match(logs[1], { level: 40, restarts: 1, msg: 'the SQLite writer thread restarted' });
  await writer.call('setMeta', ['k', 'w'], 'setting k');
});
