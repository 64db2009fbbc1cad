import t from 'tap';
import { runInProcess } from './in-process.js';

const run = (args: string[]) => runInProcess(args, { env: {}, cwd: t.testdirName });

t.test('idnode enterprise quota: show, set, back to the default; refusals name the problem', async (t) => {
  const dir = t.testdir();
  t.equal((await run(['enterprise', 'add', '--create', '--data-dir', dir, '--prefix', '88.999.7', '--name', 'Seven'])).code, 0);
  const shown = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.7']);
  t.equal(shown.code, 0, shown.stderr);
  t.match(shown.stdout, /^Quota of enterprise 88\.999\.7\n  registrations per day: no limit \(node default\); 0 on \d{4}-\d\d-\d\d\n/);
  const set = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.7', '--registrations-per-day', '500', '--requests-per-second', '0', '--json']);
  t.equal(set.code, 0, set.stderr);
  t.match(JSON.parse(set.stdout), { prefix: '88.999.7', limits: { registrationsPerDay: 500, requestsPerSecond: 0 }, overrides: { registrationsPerDay: 500, requestsPerSecond: 0 } });
  const withDefault = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.7', '--registrations-per-day', 'default', '--quota-resolutions-per-day', '9', '--json']);
  t.equal(withDefault.code, 2, 'quota-* are serve settings, not flags of this command');
  const back = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.7', '--registrations-per-day', 'default', '--json']);
  t.same(JSON.parse(back.stdout).overrides, { requestsPerSecond: 0 });
  const shownAgain = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.7']);
  t.match(shownAgain.stdout, /requests per second: {3}no limit\n/);
  const bad = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.7', '--resolutions-per-day', 'many']);
  t.equal(bad.code, 1);
  t.match(bad.stderr, /REQUEST_INVALID: resolutionsPerDay must be an integer from 0 \(no limit\) to 2147483647, or null \(the node default\), got "many"/);
  const nobody = await run(['enterprise', 'quota', '--data-dir', dir, '--prefix', '88.999.8']);
  t.match(nobody.stderr, /ENTERPRISE_NOT_FOUND/);
});
