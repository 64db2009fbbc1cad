import { existsSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runCli } from '../helpers/run-cli.js';

t.test('a bad setting stops serve with exit code 2, naming it', async (t) => {
  const dataDir = join(t.testdir(), 'data');
  const flag = await runCli(['serve', '--data-dir', dataDir, '--http-port', 'abc', '--hdl-port', 'off']);
  t.equal(flag.code, 2);
  t.equal(flag.stderr, 'invalid configuration: http-port (from --http-port) must be an integer from 0 to 65535, got "abc"\n');
  t.equal(flag.stdout, '', 'nothing logged: the logger is not even created');
  const env = await runCli(['serve', '--data-dir', dataDir, '--hdl-port', 'off'], { env: { IDNODE_TIME_ZONE: 'Nowhere/Land', IDNODE_HTTP_PROT: '1' } });
  t.equal(env.code, 2);
  t.match(env.stderr, 'invalid configuration: time-zone (from IDNODE_TIME_ZONE) must be an IANA time zone');
  t.match(env.stderr, 'invalid configuration: unknown environment variable IDNODE_HTTP_PROT (did you mean IDNODE_HTTP_PORT?)');
  t.notOk(existsSync(dataDir), 'nothing was created');
  const unknownFlag = await runCli(['serve', '--htp-port', '1']);
  t.equal(unknownFlag.code, 2);
  t.match(unknownFlag.stderr, "error: unknown option '--htp-port'");
});
