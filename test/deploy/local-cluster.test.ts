// deploy/local-cluster.sh end to end, with real processes: a database on the machine's PostgreSQL, two
// `idnode serve` replicas on it, Debian's nginx in front with deploy/nginx.conf. Registers through the
// balancer, resolves through each replica and through the balancer over every protocol it balances, kills a
// replica and keeps serving (writes too), brings it back, and sees a write made through one replica on the
// other (the PostgreSQL change feed). Stopping leaves no process and no database behind.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { childEnv, NODE_CLI_ARGS, REPO_ROOT } from '../helpers/child-node.js';
import { eventually } from '../helpers/eventually.js';
import { scratchDir } from '../helpers/scratch-dir.js';
import { readAnswer, resolutionRequest, TcpConnection, udpExchange } from '../helpers/hdl-client.js';
import { basic } from '../helpers/rest-node.js';
import { withDefaultUser } from '../../src/store/postgres/postgres-url.js';
import { collectOutput, exitOf, firstRunCredentials } from '../helpers/spawn-node.js';

const SCRIPT = join(REPO_ROOT, 'deploy', 'local-cluster.sh');
const MAINTENANCE_URL = 'postgres://127.0.0.1:5432/postgres';

interface Addresses {
  readonly http: string;
  readonly grpc: string;
  readonly hdl: string;
}
interface Cluster {
  readonly dir: string;
  readonly pid: number;
  readonly balancer: Addresses;
  readonly replicas: Addresses[];
}

/** Runs local-cluster.sh with `args` to its end (for stop and replica-start). */
async function runScript(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn('bash', [SCRIPT, ...args], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(child);
  const exit = await exitOf(child);
  return { code: exit.code, stdout: output.stdout(), stderr: output.stderr() };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: withDefaultUser(MAINTENANCE_URL) });
  await client.connect();
  try {
    return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

const port = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

t.test('local-cluster.sh: register through the balancer, resolve everywhere, lose a replica, bring it back', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'idnode-cluster-'));
  // The replicas run the CLI from source, as every other child process of the tests does.
  const idnodeCmd = [process.execPath, ...NODE_CLI_ARGS].join(' ');
  const cluster = spawn('bash', [SCRIPT, 'start', '--dir', dir, '--idnode-cmd', idnodeCmd], { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collectOutput(cluster);
  const clusterExit = exitOf(cluster);
  t.teardown(async () => {
    if (cluster.exitCode === null && cluster.signalCode === null) {
      cluster.kill('SIGTERM');
      await clusterExit;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  await eventually(() => existsSync(join(dir, 'cluster.json')) || cluster.exitCode !== null, 'the cluster to start', 120_000, 100);
  t.equal(cluster.exitCode, null, `the cluster started\n${output.stderr()}`);
  const state = JSON.parse(readFileSync(join(dir, 'cluster.json'), 'utf8')) as Cluster;
  t.equal(state.replicas.length, 2);
  await eventually(() => output.stdout().includes('stop: Ctrl-C'), 'the addresses to be printed');
  t.match(output.stdout(), `balancer: REST ${state.balancer.http}`, 'the addresses are printed');
  const databaseName = /^DATABASE_NAME=(.*)$/m.exec(readFileSync(join(dir, 'env'), 'utf8'))![1]!;
  t.ok(await databaseExists(databaseName), `its own database ${databaseName}`);

  // Both replicas started at once on the new database; exactly one issued the first-run credentials.
  const printed = [1, 2].map((n) => firstRunCredentials(readFileSync(join(dir, `replica-${n}.err`), 'utf8'))).filter((credentials) => credentials !== undefined);
  t.equal(printed.length, 1, 'one replica printed the first-run credentials');
  const demo = printed[0]!.demo;
  const auth = { authorization: basic(demo.id, demo.secret), 'content-type': 'application/json' };
  const put = (base: string, handle: string, url: string) =>
    fetch(`${base}/api/handles/${handle}`, { method: 'PUT', headers: auth, body: JSON.stringify({ values: [{ index: 1, type: 'URL', data: url }] }) });
  const urlOf = async (base: string, handle: string) => {
    const response = await fetch(`${base}/api/handles/${handle}`);
    if (response.status !== 200) return `HTTP ${response.status}`;
    return ((await response.json()) as { values: { index: number; data: { value: string } }[] }).values.find((value) => value.index === 1)?.data.value;
  };

  // Registered through the balancer; resolved through each replica directly and through the balancer.
  t.equal((await put(state.balancer.http, `${demo.prefix}/lc-1`, 'https://example.com/1')).status, 201, 'registered through the balancer');
  for (const [index, replica] of state.replicas.entries()) t.equal(await urlOf(replica.http, `${demo.prefix}/lc-1`), 'https://example.com/1', `replica ${index + 1} resolves it`);
  const udp = readAnswer(await udpExchange(port(state.balancer.hdl), resolutionRequest(`${demo.prefix}/lc-1`)));
  t.equal(udp.responseCode, 1, 'the balancer answers the Handle protocol over UDP');
  const tcp = await TcpConnection.open(port(state.balancer.hdl));
  t.teardown(() => tcp.close());
  t.equal(readAnswer(await tcp.exchange(resolutionRequest(`${demo.prefix}/lc-1`))).responseCode, 1, 'and over TCP');

  // Replica 1 dies (SIGKILL: no goodbye); the balancer keeps answering, reads and writes.
  const firstPid = Number(readFileSync(join(dir, 'replica-1.pid'), 'utf8'));
  process.kill(firstPid, 'SIGKILL');
  await eventually(() => !alive(firstPid), 'replica 1 to die');
  const statuses: number[] = [];
  for (let i = 0; i < 10; i += 1) statuses.push((await fetch(`${state.balancer.http}/api/handles/${demo.prefix}/lc-1`)).status);
  t.same(statuses, Array(10).fill(200), 'every resolution through the balancer answered while replica 1 is down');
  t.equal((await put(state.balancer.http, `${demo.prefix}/lc-2`, 'https://example.com/2')).status, 201, 'a write through the balancer too');
  t.equal(await urlOf(state.replicas[1]!.http, `${demo.prefix}/lc-2`), 'https://example.com/2');

  // Brought back on its own ports: it serves what was written while it was down.
  const restarted = await runScript(['replica-start', '1', '--dir', dir]);
  t.equal(restarted.code, 0, `replica-start: ${restarted.stderr}`);
  t.not(Number(readFileSync(join(dir, 'replica-1.pid'), 'utf8')), firstPid, 'a new process');
  t.equal(await urlOf(state.replicas[0]!.http, `${demo.prefix}/lc-2`), 'https://example.com/2', 'replica 1 serves the write made while it was down');

  // A change through replica 2 reaches replica 1's cache (which now holds lc-1) through the change feed.
  t.equal(await urlOf(state.replicas[0]!.http, `${demo.prefix}/lc-1`), 'https://example.com/1', 'replica 1 has lc-1 cached');
  t.equal((await put(state.replicas[1]!.http, `${demo.prefix}/lc-1`, 'https://example.com/1-changed')).status, 200);
  await eventually(async () => (await urlOf(state.replicas[0]!.http, `${demo.prefix}/lc-1`)) === 'https://example.com/1-changed', 'replica 1 to see the change made through replica 2');

  // `stop` ends the foreground script, which stops nginx and the replicas and drops its database.
  const pids = [Number(readFileSync(join(dir, 'replica-1.pid'), 'utf8')), Number(readFileSync(join(dir, 'replica-2.pid'), 'utf8')), Number(readFileSync(join(dir, 'nginx.pid.supervised'), 'utf8'))];
  const stopped = await runScript(['stop', '--dir', dir]);
  t.equal(stopped.code, 0, `stop: ${stopped.stderr}`);
  t.same(await clusterExit, { code: 0, signal: null }, 'the foreground script exited 0');
  t.same(pids.filter(alive), [], 'no replica or nginx process left');
  t.notOk(await databaseExists(databaseName), 'its database dropped');
  t.match(readFileSync(join(dir, 'replica-2.log'), 'utf8'), /"msg":"idnode stopped"/, 'replica 2 stopped gracefully');
});

t.test('local-cluster.sh refuses bad usage with exit code 2', async (t) => {
  const unknown = await runScript(['start', '--bogus']);
  t.equal(unknown.code, 2);
  t.match(unknown.stderr, /unknown argument '--bogus'/);
  const noDir = await runScript(['stop']);
  t.equal(noDir.code, 2);
  t.match(noDir.stderr, /stop needs --dir DIR/);
  const replica = await runScript(['replica-start', 'x']);
  t.equal(replica.code, 2);
  t.match(replica.stderr, /replica-start needs a replica number/);
  const nothing = await runScript(['stop', '--dir', scratchDir(t, 'idnode-cluster-none-')]);
  t.equal(nothing.code, 2);
  t.match(nothing.stderr, /no cluster in/);
});
