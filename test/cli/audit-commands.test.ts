import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { SQLITE_FILE_NAME } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runCli } from '../helpers/run-cli.js';
import { runInProcess } from './in-process.js';
import { lockDataDir } from '../../src/store/sqlite/data-dir-lock.js';

const run = (args: string[]) => runInProcess(args, { env: {}, cwd: t.testdirName });

/** A data directory whose store already holds counts of past days (the CLI opens it like a server would). */
async function seeded(dir: string): Promise<string> {
  const first = await run(['key', 'export', '--data-dir', dir, '--create']);
  t.equal(first.code, 0, first.stderr);
  const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  await store.addCounters([
    { day: '2024-02-28', prefix: '88.999.DEMO', protocol: 'rest', kind: 'registration', count: 11 },
    { day: '2024-02-28', prefix: '88.999.DEMO', protocol: 'rest', kind: 'resolution.cache-hit', count: 300 },
    { day: '2024-02-29', prefix: '88.999.DEMO', protocol: 'grpc', kind: 'registration', count: 4 },
    { day: '2024-03-01', prefix: '88.999.7', protocol: 'rest', kind: 'resolution.not-found', count: 2 },
  ]);
  await store.close();
  return dir;
}

t.test('auditor add --json prints {"id","secret"} of a read-only credential', async (t) => {
  const dir = t.testdir();
  const added = await run(['auditor', 'add', '--data-dir', dir, '--create', '--name', 'Zibo auditor', '--json']);
  t.equal(added.code, 0, added.stderr);
  const credential = JSON.parse(added.stdout);
  t.same(Object.keys(credential), ['id', 'secret']);
  t.match(credential.id, /^300:0\.NA\/AUDITOR\.[0-9A-F]{8}$/);
  const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  t.teardown(() => store.close());
  t.match(await store.getPrincipal(credential.id), { role: 'auditor', name: 'Zibo auditor' });
});

t.test('key export, ledger seal, export and verify: offline, with nothing but the key and the file', async (t) => {
  const dir = await seeded(t.testdir());
  const key = await run(['key', 'export', '--data-dir', dir]);
  t.equal(key.code, 0, key.stderr);
  t.match(key.stdout, /^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
  const keyJson = JSON.parse((await run(['key', 'export', '--data-dir', dir, '--json'])).stdout);
  t.equal(keyJson.publicKey, key.stdout, 'the key is created once and kept');
  t.match(keyJson.keyId, /^[0-9a-f]{64}$/);

  const sealed = await run(['ledger', 'seal', '--data-dir', dir, '--json']);
  t.equal(sealed.code, 0, sealed.stderr);
  const days = JSON.parse(sealed.stdout).sealed.map((entry: { day: string }) => entry.day);
  t.same(days.slice(0, 3), ['2024-02-28', '2024-02-29', '2024-03-01'], 'from the first day with counts, the leap day included');
  t.ok(days.length > 3, 'every closed day through yesterday');
  t.match((await run(['ledger', 'seal', '--data-dir', dir])).stdout, /^Nothing to seal/);

  const exported = await run(['ledger', 'export', '--data-dir', dir]);
  t.equal(exported.code, 0, exported.stderr);
  // Apart from the data directory: verification needs nothing of it.
  const work = mkdtempSync(join(tmpdir(), 'idnode-verify-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const keyFile = join(work, 'node.pem');
  const ledgerFile = join(work, 'ledger.json');
  writeFileSync(keyFile, key.stdout);
  writeFileSync(ledgerFile, exported.stdout);
  t.match(JSON.parse(exported.stdout).entries[1], { seq: 2, day: '2024-02-29', totals: { registration: 4 }, rows: [['88.999.DEMO', 'grpc', 'registration', 4]] });

  // A real process, without any data directory or configuration.
  const honest = await runCli(['ledger', 'verify', '--public-key', keyFile, ledgerFile], { cwd: work });
  t.equal(honest.code, 0, honest.stderr);
  t.match(honest.stdout, /^OK: \d+ day\(s\) from 2024-02-28 to \d{4}-\d\d-\d\d: chain, hashes and signatures hold; counts checked for \d+ day\(s\)\n$/);

  // Edit one count in the database: the export no longer matches the seal, and the day is named.
  const db = new Database(join(dir, SQLITE_FILE_NAME));
  db.prepare("UPDATE counters SET count = 12 WHERE day = '2024-02-28' AND kind = 'registration'").run();
  db.close();
  const edited = join(work, 'edited.json');
  writeFileSync(edited, (await run(['ledger', 'export', '--data-dir', dir])).stdout);
  const failed = await runCli(['ledger', 'verify', '--public-key', keyFile, edited], { cwd: work });
  t.equal(failed.code, 1);
  t.match(failed.stdout, /^FAILED 2024-02-28: day 2024-02-28: the counts in the database differ from the sealed counts \(registration sealed 11, now 12\)\n/);
  t.match(failed.stderr, /^error: LEDGER_VERIFICATION_FAILED: .*edited\.json does not verify: bad day\(s\) 2024-02-28\n$/);

  // A day removed from the file, and days swapped.
  const document = JSON.parse(exported.stdout);
  document.entries.splice(1, 1);
  writeFileSync(join(work, 'missing.json'), JSON.stringify(document));
  const missing = await run(['ledger', 'verify', '--public-key', keyFile, join(work, 'missing.json')]);
  t.equal(missing.code, 1);
  t.match(missing.stdout, /FAILED 2024-02-29: day 2024-02-29 is missing/);
  const swapped = JSON.parse(exported.stdout);
  [swapped.entries[0], swapped.entries[1]] = [swapped.entries[1], swapped.entries[0]];
  writeFileSync(join(work, 'swapped.json'), JSON.stringify(swapped));
  const reordered = await run(['ledger', 'verify', '--public-key', keyFile, join(work, 'swapped.json'), '--json']);
  t.equal(reordered.code, 1);
  t.match(JSON.parse(reordered.stdout.split('\n')[0]!), { ok: false, problems: [{ day: '2024-02-28' }] });

  const noKey = await run(['ledger', 'verify', '--public-key', join(work, 'absent.pem'), ledgerFile]);
  t.equal(noKey.code, 1);
  t.match(noKey.stderr, /REQUEST_INVALID: cannot read --public-key .*absent\.pem: ENOENT/);
  const privateKey = JSON.parse((await run(['key', 'export', '--data-dir', dir, '--json'])).stdout);
  t.ok(privateKey.publicKey.includes('PUBLIC KEY'), 'key export never prints the private key');
  writeFileSync(join(work, 'junk.json'), '{"format":');
  t.match((await run(['ledger', 'verify', '--public-key', keyFile, join(work, 'junk.json')])).stderr, /junk\.json is not JSON/);
  t.equal((await run(['ledger', 'verify', ledgerFile])).code, 2, '--public-key is required');
});

t.test('report --year --format json|md|html', async (t) => {
  const dir = await seeded(t.testdir());
  const json = await run(['report', '--data-dir', dir, '--year', '2024', '--format', 'json']);
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout);
  t.match(report, { year: 2024, period: { days: 366, status: 'closed' }, figures: { totals: { registration: 15, 'resolution.cache-hit': 300, 'resolution.not-found': 2 }, countedResolutions: 300 } });
  t.match(report.awards[0], { verdict: 'not-eligible', criteria: [{ measured: 15, verdict: 'not-met' }, { verdict: 'not-met' }] });
  const md = await run(['report', '--data-dir', dir, '--year', '2024', '--format', 'md', '--lang', 'en']);
  t.match(md.stdout, /^# Award eligibility 2024: /);
  t.match(md.stdout, /\| New identifier registrations in the calendar year \| 15 \| > 10,000,000 \|/);
  // The method states the measured figure and the rule apart, never as a verdict; the amount is said once.
  t.match(md.stdout, /\n {2}- Measured: the sum of new-registration counters over every prefix and protocol, 1 Jan 2024 to 31 Dec 2024 \(Asia\/Shanghai calendar days\): 15\.\n {2}- Rule: the criterion is met with more than 10,000,000 registrations\./);
  t.notMatch(md.stdout, /Met with/);
  t.match(md.stdout, /\nUp to ¥1,000,000 when both criteria are met in one calendar year\.\n/);
  t.notMatch(md.stdout, /Up to CN¥1,000,000 \(up to/);
  t.match(md.stdout, /淄政办发〔2020〕11号/, 'the policy document keeps its Chinese name in English');
  const zh = await run(['report', '--data-dir', dir, '--year', '2024', '--format', 'md', '--lang', 'zh-CN']);
  t.match(zh.stdout, /^# 2024 年度奖励资格报告: 淄博市支持工业互联网标识解析二级节点建设（措施二）/);
  t.match(zh.stdout, /\| 自然年内新增标识注册量 \| 15 \| > 10,000,000 \| −9,999,985 \(−100%\) \| 未达标 \|/);
  t.match(zh.stdout, /实测：2024年1月1日至2024年12月31日（Asia\/Shanghai 日历日）所有前缀和协议的新增注册计数之和为 15。/);
  t.match(zh.stdout, /同一自然年内两项指标均达标的，最高奖励 ¥1,000,000。/);
  t.match(zh.stdout, /淄政办发〔2020〕11号/);
  const fromEnv = await runInProcess(['report', '--data-dir', dir, '--year', '2024', '--format', 'md'], { env: { LANG: 'en_US.UTF-8' }, cwd: t.testdirName });
  t.match(fromEnv.stdout, /^# Award eligibility 2024/, 'LANG=en_US picks English');
  t.match((await run(['report', '--data-dir', dir, '--year', '2024', '--format', 'md'])).stdout, /^# 2024 年度奖励资格报告/, 'zh-CN by default');
  const badLang = await run(['report', '--data-dir', dir, '--lang', 'fr']);
  t.equal(badLang.code, 2, 'an unknown --lang is a usage error');
  t.match(badLang.stderr, /--lang must be one of zh-CN, en, got "fr"/);
  const html = await run(['report', '--data-dir', dir, '--year', '2024', '--format', 'html', '--policy', 'zibo-2020-11-measure-2']);
  t.match(html.stdout, /^<!doctype html>/);
  const defaultYear = JSON.parse((await run(['report', '--data-dir', dir])).stdout);
  t.ok([new Date(Date.now() - 86_400_000).getFullYear(), new Date(Date.now() + 86_400_000).getFullYear()].includes(defaultYear.year), 'the current year by default');
  const pdf = await run(['report', '--data-dir', dir, '--format', 'pdf']);
  t.match(pdf.stderr, /--format must be one of json, md, html, got "pdf"/);
  t.equal(pdf.code, 2, 'an unknown --format is a usage error (exit 2)');
  t.match((await run(['report', '--data-dir', dir, '--year', '24'])).stderr, /--year must be a four-digit calendar year/);
  t.match((await run(['report', '--data-dir', dir, '--policy', 'nope'])).stderr, /POLICY_NOT_FOUND: no policy "nope"/);

  const policyDir = t.testdir({ 'broken-city.json': JSON.stringify({ id: 'broken-city', title: 'x' }) });
  // t.testdir() again empties the test's directory, the store with it: --create, since only the policy is under test.
  const broken = await run(['report', '--data-dir', dir, '--create', '--policy-dir', policyDir]);
  t.equal(broken.code, 1);
  t.match(broken.stderr, /POLICY_INVALID: policy .*broken-city\.json: issuer is missing/);
});

t.test('ledger seal refuses beside a node serving the data directory on a set clock, and seals beside one on the system clock', async (t) => {
  const dir = await seeded(t.testdir());
  // What `serve --clock-start 2024-02-28T00:00:00+08:00 --clock-rate 60` holds while it runs (the lock, and its clock in serve.lock.json).
  const simulated = lockDataDir(dir, { start: '2024-02-27T16:00:00.000Z', rate: 60 });
  const refused = await run(['ledger', 'seal', '--data-dir', dir]);
  simulated.release();
  t.equal(refused.code, 1, 'refused');
  t.match(refused.stderr, /DATA_DIR_LOCKED: refusing to seal by the wall clock: the data directory .* is served by idnode serve pid \d+ on host .* on a set clock \(starting at 2024-02-27T16:00:00\.000Z, 60× real time\)/);
  const store = openSqliteStore({ file: join(dir, SQLITE_FILE_NAME) });
  t.equal((await store.listLedgerEntries()).length, 0, 'nothing was sealed');
  await store.close();

  const system = lockDataDir(dir);
  const sealed = await run(['ledger', 'seal', '--data-dir', dir, '--json']);
  system.release();
  t.equal(sealed.code, 0, sealed.stderr);
  t.ok(JSON.parse(sealed.stdout).sealed.length >= 3, 'beside a node on the system clock, the closed days are sealed');
});
