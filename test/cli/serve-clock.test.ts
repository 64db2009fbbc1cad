import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { runCli } from '../helpers/run-cli.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';

t.test('serve --clock-start --clock-rate: the node runs on a set clock and says so', async (t) => {
  const dataDir = t.testdir();
  // Two minutes per real second, from twenty minutes before midnight in Shanghai: midnight comes about
  // ten real seconds after the start (start-up itself takes a few).
  const node = await spawnNode({ dataDir, t, logLevel: 'info', args: ['--clock-start', '2024-12-31T23:40:00+08:00', '--clock-rate', '120'] });
  const ready = await send(`${node.url}/readyz`);
  t.match(ready.body, { status: 'ready', clock: { mode: 'simulated', start: '2024-12-31T15:40:00.000Z', rate: 120, warning: /not production figures/ } });
  const lines = node.stdout().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  t.ok(lines.length > 0 && lines.every((line) => line['clock'] === 'simulated'), 'every log line says the clock is simulated');
  t.ok(lines.some((line) => /SET CLOCK/.test(String(line['msg']))), 'and a warning says what that means');

  const credentials = firstRunCredentials(node.stderr())!;
  const demo = { authorization: basic(credentials.demo.id, credentials.demo.secret) };
  const operator = { authorization: basic(credentials.operator.id, credentials.operator.secret) };
  const put = (suffix: string) => send(`${node.url}/api/handles/${credentials.demo.prefix}/${suffix}`, { method: 'PUT', headers: demo, json: { values: [{ index: 1, type: 'URL', data: 'x' }] } });
  t.equal((await put('BEFORE-MIDNIGHT')).status, 201);
  const report2024 = await send(`${node.url}/api/v1/eligibility`, { headers: operator });
  t.match(report2024.body, { year: 2024, period: { today: '2024-12-31' }, clock: { mode: 'simulated' } });
  // Past midnight on the set clock.
  await eventually(async () => (await send(`${node.url}/api/v1/eligibility`, { headers: operator })).body.year === 2025, 'midnight on the set clock', 30_000, 250);
  t.equal((await put('AFTER-MIDNIGHT')).status, 201);
  const report2025 = await send(`${node.url}/api/v1/eligibility`, { headers: operator });
  t.match(report2025.body, { year: 2025, period: { today: '2025-01-01' }, figures: { totals: { registration: 1 } }, notes: [/^SIMULATED/] });
  const daily = await send(`${node.url}/api/v1/metering/daily?from=2024-12-31&to=2025-01-01`, { headers: operator });
  t.same(daily.body.rows.map((row: { day: string; registrations: number }) => [row.day, row.registrations]), [['2024-12-31', 1], ['2025-01-01', 1]]);
  const metrics = await (await fetch(`${node.url}/metrics`)).text();
  t.match(metrics, /idnode_clock_info\{mode="simulated",rate="120"\} 1/);
  t.match(metrics, /idnode_store_operation_duration_seconds_count\{operation="applyWrites"\} [1-9]/, 'serve times its store');
  t.same(await node.stop(), { code: 0, signal: null });
});

t.test('a bad clock setting stops the start naming the setting', async (t) => {
  const dataDir = t.testdir();
  // Each is refused before anything opens: the three run side by side.
  const [start, rate, noOffset] = await Promise.all([
    runCli(['serve', '--data-dir', dataDir, '--http-port', '0', '--hdl-port', 'off', '--clock-start', 'tomorrow']),
    runCli(['serve', '--data-dir', dataDir, '--http-port', '0', '--hdl-port', 'off'], { env: { IDNODE_CLOCK_RATE: '0' } }),
    runCli(['serve', '--data-dir', dataDir, '--http-port', '0', '--hdl-port', 'off', '--clock-start', '2024-01-01T00:00:00']),
  ]);
  t.equal(start.code, 2);
  t.match(start.stderr, /invalid configuration: clock-start \(from --clock-start\) must be an ISO-8601 instant with its offset/);
  t.equal(rate.code, 2);
  t.match(rate.stderr, /invalid configuration: clock-rate \(from IDNODE_CLOCK_RATE\) must be a number above 0/);
  t.match(noOffset.stderr, /clock-start .* got "2024-01-01T00:00:00"/, 'a wall-clock time without offset is ambiguous and refused');
});
