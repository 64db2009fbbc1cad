import t from 'tap';
import { runInProcess } from './in-process.js';

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * Runs in this process (fast); test/cli/admin-process.test.ts checks the same behaviour through real processes.
 * stderr comes back without the "using <store>" line every admin command prints first (test/ops/admin-store.test.ts).
 */
const run = async (args: string[], env: Record<string, string> = {}) => {
  const result = await runInProcess(args, { env, cwd: t.testdirName });
  return { ...result, stderr: result.stderr.replace(/^using the SQLite store .*\n/, '') };
};

t.test('enterprise add, list, rotate-secret, revoke: --json shapes and exit codes', async (t) => {
  const dataDir = t.testdir();
  const store = ['--data-dir', dataDir, '--create'];

  const added = await run(['enterprise', 'add', '--prefix', '88.999.acme', '--name', 'Acme Ltd', '--json', ...store]);
  t.equal(added.code, 0, added.stderr);
  t.equal(added.stderr, '');
  const credential = JSON.parse(added.stdout);
  t.same(Object.keys(credential), ['prefix', 'id', 'secret']);
  t.equal(credential.prefix, '88.999.ACME', 'the prefix comes back normalised');
  t.equal(credential.id, '300:0.NA/88.999.ACME');
  t.match(credential.secret, SECRET);
  t.equal(added.stdout.split('\n').length, 2, 'one line of JSON');

  const again = await run(['enterprise', 'add', '--prefix', '88.999.ACME', '--name', 'Acme again', '--json', ...store]);
  t.equal(again.code, 1);
  t.equal(again.stdout, '');
  t.equal(again.stderr, 'error: ENTERPRISE_PREFIX_TAKEN: prefix 88.999.ACME is already allocated to an enterprise\n');

  const second = await run(['enterprise', 'add', '--prefix', '88.999.2', '--name', 'Second', ...store]);
  t.equal(second.code, 0, second.stderr);
  t.match(second.stdout, /^Allocated enterprise prefix 88\.999\.2\n {2}identity: 300:0\.NA\/88\.999\.2\n {2}secret: {3}[A-Za-z0-9_-]{43}\n/);
  t.match(second.stdout, 'user 300%3A0.NA/88.999.2');

  const listed = await run(['enterprise', 'list', '--json', ...store]);
  t.equal(listed.code, 0, listed.stderr);
  const enterprises = JSON.parse(listed.stdout);
  t.equal(enterprises.length, 2);
  const acme = enterprises.find((enterprise: { prefix: string }) => enterprise.prefix === '88.999.ACME');
  t.match(acme, { id: '300:0.NA/88.999.ACME', role: 'enterprise', prefix: '88.999.ACME', name: 'Acme Ltd', createdAt: /^\d{4}-\d\d-\d\dT/ });
  t.notOk('revokedAt' in acme);
  t.notOk(listed.stdout.includes('secret'), 'a listing never shows secrets or hashes');

  const rotated = await run(['enterprise', 'rotate-secret', '--prefix', '88.999.acme', '--json', ...store]);
  t.equal(rotated.code, 0, rotated.stderr);
  const newCredential = JSON.parse(rotated.stdout);
  t.same(Object.keys(newCredential), ['prefix', 'id', 'secret']);
  t.equal(newCredential.id, credential.id);
  t.match(newCredential.secret, SECRET);
  t.not(newCredential.secret, credential.secret);

  const revoked = await run(['enterprise', 'revoke', '--prefix', '88.999.ACME', '--json', ...store]);
  t.equal(revoked.code, 0, revoked.stderr);
  t.match(JSON.parse(revoked.stdout), { id: '300:0.NA/88.999.ACME', prefix: '88.999.ACME', revokedAt: /^\d{4}-/ });
  const revokedAgain = await run(['enterprise', 'revoke', '--prefix', '88.999.ACME', ...store]);
  t.equal(revokedAgain.code, 0, 'revoking twice is harmless');
  t.match(revokedAgain.stdout, /^Revoked 300:0\.NA\/88\.999\.ACME \(prefix 88\.999\.ACME\) at \d{4}-/);

  const rotateRevoked = await run(['enterprise', 'rotate-secret', '--prefix', '88.999.ACME', '--json', ...store]);
  t.equal(rotateRevoked.code, 1);
  t.match(rotateRevoked.stderr, /^error: PRINCIPAL_REVOKED: 300:0\.NA\/88\.999\.ACME was revoked/);
  t.match(rotateRevoked.stderr, 'idnode enterprise reinstate --prefix 88.999.ACME', 'rotate-secret names the way out');
  const addRevoked = await run(['enterprise', 'add', '--prefix', '88.999.ACME', '--name', 'Acme again', ...store]);
  t.equal(addRevoked.code, 1);
  t.match(addRevoked.stderr, /^error: ENTERPRISE_PREFIX_TAKEN: prefix 88\.999\.ACME is allocated to an enterprise whose credential was revoked; reinstate it/);
  t.match(addRevoked.stderr, 'idnode enterprise reinstate --prefix 88.999.ACME', 'add names the way out');

  const text = await run(['enterprise', 'list', ...store]);
  t.match(text.stdout, /^88\.999\.ACME\trevoked \d{4}-.*\t300:0\.NA\/88\.999\.ACME\tAcme Ltd$/m);
  t.match(text.stdout, /^88\.999\.2\tactive\t300:0\.NA\/88\.999\.2\tSecond$/m);

  const reinstated = await run(['enterprise', 'reinstate', '--prefix', '88.999.acme', '--json', ...store]);
  t.equal(reinstated.code, 0, reinstated.stderr);
  const reissued = JSON.parse(reinstated.stdout);
  t.same(Object.keys(reissued), ['prefix', 'id', 'secret']);
  t.equal(reissued.id, credential.id);
  t.not(reissued.secret, newCredential.secret, 'a new secret');
  t.match(reissued.secret, SECRET);
  const active = JSON.parse((await run(['enterprise', 'list', '--json', ...store])).stdout).find((e: { prefix: string }) => e.prefix === '88.999.ACME');
  t.notOk('revokedAt' in active, 'active again');
  const reinstateActive = await run(['enterprise', 'reinstate', '--prefix', '88.999.ACME', ...store]);
  t.equal(reinstateActive.code, 1);
  t.equal(reinstateActive.stderr, 'error: REQUEST_INVALID: enterprise 88.999.ACME is not revoked, so there is nothing to reinstate; rotate its secret to issue a new one\n');
  const reinstateText = await run(['enterprise', 'reinstate', '--prefix', '88.999.404', ...store]);
  t.equal(reinstateText.stderr, 'error: ENTERPRISE_NOT_FOUND: no enterprise holds prefix 88.999.404\n');
});

t.test('core errors: error: CODE: message on stderr, exit 1', async (t) => {
  const store = ['--data-dir', t.testdir(), '--create'];
  const badPrefix = await run(['enterprise', 'add', '--prefix', '88..1', '--name', 'X', '--json', ...store]);
  t.equal(badPrefix.code, 1);
  t.equal(badPrefix.stdout, '');
  t.equal(badPrefix.stderr, 'error: PREFIX_EMPTY_SEGMENT: prefix "88..1" has an empty segment (two dots in a row)\n');

  const notHomed = await run(['enterprise', 'add', '--prefix', '77.1', '--name', 'X', ...store]);
  t.equal(notHomed.code, 1);
  t.match(notHomed.stderr, /^error: NOT_HOMED: enterprise prefix 77\.1 must lie below a prefix homed on this node \(88\.999\)/);

  const nodePrefixItself = await run(['enterprise', 'add', '--prefix', '88.999', '--name', 'X', ...store]);
  t.match(nodePrefixItself.stderr, /^error: NOT_HOMED: /);

  const emptyName = await run(['enterprise', 'add', '--prefix', '88.999.3', '--name', ' ', ...store]);
  t.equal(emptyName.code, 1);
  t.match(emptyName.stderr, /^error: REQUEST_INVALID: name must be non-empty/);

  const unknown = await run(['enterprise', 'rotate-secret', '--prefix', '88.999.404', ...store]);
  t.equal(unknown.code, 1);
  t.equal(unknown.stderr, 'error: ENTERPRISE_NOT_FOUND: no enterprise holds prefix 88.999.404\n');
});

t.test('operator rotate-secret and auditor add', async (t) => {
  const store = ['--data-dir', t.testdir(), '--create'];
  const first = await run(['operator', 'rotate-secret', '--json', ...store]);
  t.equal(first.code, 0, first.stderr);
  const operator = JSON.parse(first.stdout);
  t.same(Object.keys(operator), ['id', 'secret']);
  t.equal(operator.id, '300:0.NA/88.999');
  const second = await run(['operator', 'rotate-secret', '--json', ...store]);
  t.not(JSON.parse(second.stdout).secret, operator.secret);

  const auditor = await run(['auditor', 'add', '--name', 'Zibo audit office', '--json', ...store]);
  t.equal(auditor.code, 0, auditor.stderr);
  const issued = JSON.parse(auditor.stdout);
  t.match(issued, { id: /^300:0\.NA\/AUDITOR\.[0-9A-F]{8}$/, secret: SECRET });

  const listed = await run(['auditor', 'list', '--json', ...store]);
  t.equal(listed.code, 0, listed.stderr);
  t.match(JSON.parse(listed.stdout), [{ id: issued.id, role: 'auditor', name: 'Zibo audit office', createdAt: /^\d{4}-/ }]);
  t.notOk(listed.stdout.includes('secret'), 'a listing never shows secrets');
  const revoked = await run(['auditor', 'revoke', '--id', issued.id, ...store]);
  t.equal(revoked.code, 0, revoked.stderr);
  t.match(revoked.stdout, new RegExp(`^Revoked auditor ${issued.id.replace(/[./]/g, '\\$&')} \\(Zibo audit office\\) at \\d{4}-`));
  const text = await run(['auditor', 'list', ...store]);
  t.match(text.stdout, /^300:0\.NA\/AUDITOR\.[0-9A-F]{8}\trevoked \d{4}-\S+\tZibo audit office\n$/);
  const unknown = await run(['auditor', 'revoke', '--id', '300:0.NA/AUDITOR.00000000', ...store]);
  t.equal(unknown.code, 1);
  t.equal(unknown.stderr, 'error: AUDITOR_NOT_FOUND: no auditor has the identity 300:0.NA/AUDITOR.00000000\n');
  const notAnAuditor = await run(['auditor', 'revoke', '--id', operator.id, ...store]);
  t.match(notAnAuditor.stderr, /^error: AUDITOR_NOT_FOUND: /, 'the operator is not revoked as an auditor');
  const malformed = await run(['auditor', 'revoke', '--id', 'nobody', ...store]);
  t.match(malformed.stderr, /^error: CREDENTIALS_MALFORMED: /);
  t.equal((await run(['auditor', 'list', ...['--data-dir', t.testdir(), '--create']])).stdout, 'No auditors.\n');
});

t.test('usage and configuration errors exit 2', async (t) => {
  const dataDir = t.testdir();
  const missing = await run(['enterprise', 'add', '--name', 'X', '--data-dir', dataDir]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, "error: required option '--prefix <prefix>' not specified");

  const unknownCommand = await run(['enterprise', 'frobnicate']);
  t.equal(unknownCommand.code, 2);

  const badEnv = await run(['enterprise', 'list', '--data-dir', dataDir], { IDNODE_LOG_LEVEL: 'loud' });
  t.equal(badEnv.code, 2);
  t.match(badEnv.stderr, /^invalid configuration: log-level \(from IDNODE_LOG_LEVEL\) must be one of/);

  const postgresWithoutUrl = await run(['enterprise', 'list', '--store', 'postgres']);
  t.equal(postgresWithoutUrl.code, 2);
  t.equal(postgresWithoutUrl.stderr, 'invalid configuration: database-url must be set when store (from --store) is "postgres"\n');

  const help = await run(['enterprise', 'add', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, '--prefix <prefix>');
  t.match(help.stdout, '--data-dir <path>');
  const version = await run(['--version']);
  t.equal(version.code, 0);
  t.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

t.test('admin commands refuse node prefixes other than the store was served with', async (t) => {
  const dataDir = t.testdir();
  const created = await run(['enterprise', 'add', '--prefix', '86.1.a', '--name', 'A', '--node-prefix', '86.1', '--data-dir', dataDir, '--create']);
  t.equal(created.code, 0, created.stderr);
  const mismatch = await run(['enterprise', 'list', '--data-dir', dataDir]);
  t.equal(mismatch.code, 2);
  t.match(mismatch.stderr, /^invalid configuration: node-prefix is 88\.999 but the node whose store is in .* is configured with 86\.1; run this command with the server’s configuration/);
  const viaEnv = await run(['enterprise', 'list', '--json', '--data-dir', dataDir], { IDNODE_NODE_PREFIX: '86.1' });
  t.equal(viaEnv.code, 0, viaEnv.stderr);
  t.equal(JSON.parse(viaEnv.stdout).length, 1);
});
