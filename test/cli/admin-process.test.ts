import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/run-cli.js';

/** The `idnode` admin commands as real processes: output streams and exit codes (details: admin-commands.test.ts). */
t.test('exit codes and output streams of real processes', async (t) => {
  const dataDir = t.testdir();

  const added = await runCli(['enterprise', 'add', '--prefix', '88.999.1', '--name', 'One', '--json', '--data-dir', dataDir, '--create']);
  t.equal(added.code, 0, added.stderr);
  t.equal(added.stderr, `using the SQLite store ${join(dataDir, 'idnode.sqlite')}\n`, 'stderr says which store; stdout holds only the answer');
  t.match(JSON.parse(added.stdout), { prefix: '88.999.1', id: '300:0.NA/88.999.1', secret: /^[A-Za-z0-9_-]{43}$/ });

  const listed = await runCli(['enterprise', 'list', '--json'], { env: { IDNODE_DATA_DIR: dataDir } });
  t.equal(listed.code, 0, listed.stderr);
  t.equal(JSON.parse(listed.stdout).length, 1, 'IDNODE_DATA_DIR reaches the same store');

  const coreError = await runCli(['enterprise', 'add', '--prefix', '88..1', '--name', 'X', '--data-dir', dataDir]);
  t.same({ code: coreError.code, stdout: coreError.stdout }, { code: 1, stdout: '' });
  t.equal(coreError.stderr.replace(/^using .*\n/, ''), 'error: PREFIX_EMPTY_SEGMENT: prefix "88..1" has an empty segment (two dots in a row)\n');

  const configError = await runCli(['enterprise', 'list', '--data-dir', dataDir], { env: { IDNODE_CACHE_MAX_ENTRIES: 'lots' } });
  t.equal(configError.code, 2);
  t.equal(configError.stderr, 'invalid configuration: cache-max-entries (from IDNODE_CACHE_MAX_ENTRIES) must be an integer from 1 to 10000000, got "lots"\n');

  const usage = await runCli(['enterprise', 'revoke', '--data-dir', dataDir]);
  t.equal(usage.code, 2);
  t.match(usage.stderr, "error: required option '--prefix <prefix>' not specified");
});
