import { readdirSync } from 'node:fs';
import t from 'tap';
import { runInProcess } from './in-process.js';

t.test('admin commands refuse the memory store (exit 2, as for any configuration error): it would be a new, empty one, gone when the command ends', async (t) => {
  const dataDir = t.testdir();
  for (const args of [['enterprise', 'add', '--prefix', '88.999.acme', '--name', 'Acme'], ['enterprise', 'list'], ['ledger', 'seal']]) {
    const run = await runInProcess([...args, '--store', 'memory', '--data-dir', dataDir], { cwd: t.testdirName });
    t.equal(run.code, 2, args.join(' '));
    t.equal(run.stdout, '');
    t.equal(run.stderr, 'invalid configuration: store is "memory", which lives only inside a running server: admin commands need the store of a node (sqlite or postgres)\n');
  }
  t.same(readdirSync(dataDir), [], 'nothing was written');
});
