import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { eventually } from '../helpers/eventually.js';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { firstRunCredentials, spawnNode } from '../helpers/spawn-node.js';
import { withDatabase } from '../helpers/test-database.js';

/** The newest PostgreSQL server binaries from Debian's packages, or undefined. */
function postgresBin(): string | undefined {
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    return versions.length === 0 ? undefined : join('/usr/lib/postgresql', versions[0]!, 'bin');
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const bin = postgresBin();

t.test('a PostgreSQL outage under load: clean 503s during it, recovery without restarting idnode, no acknowledged write lost', { skip: bin === undefined ? 'no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)' : false }, async (t) => {
  // A private PostgreSQL, stopped and started by this test only (never the shared test database). initdb
  // refuses to run as root, so as root the server runs as the postgres user.
  const asRoot = process.getuid?.() === 0;
  const run = (program: string, args: string[]) => execFileSync(asRoot ? 'runuser' : join(bin!, program), asRoot ? ['-u', 'postgres', '--', join(bin!, program), ...args] : args, { stdio: 'ignore' });
  const dir = mkdtempSync(join(tmpdir(), 'idnode-pg-outage-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, uid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const startPostgres = () => run('pg_ctl', ['-D', data, '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, '-l', join(dir, 'log'), '-w', 'start']);
  const stopPostgres = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  startPostgres();
  t.teardown(() => {
    try {
      stopPostgres();
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;

  const node = await spawnNode({ dataDir: join(dir, 'node'), t, args: ['--store', 'postgres', '--database-url', url], readyTimeoutMs: 90_000 });
  const credentials = firstRunCredentials(node.stderr())!;
  const headers = { authorization: basic(credentials.demo.id, credentials.demo.secret) };
  const acknowledged: string[] = [];
  const refusals = new Map<string, number>();
  let loading = true;
  const load = (async () => {
    for (let k = 0; loading; k++) {
      const name = `88.999.DEMO/outage-${k}`;
      const answer = await send(`${node.url}/api/handles/${name}`, { method: 'PUT', headers, json: { values: [{ index: 1, type: 'URL', data: 'x' }] } });
      if (answer.status === 201) acknowledged.push(name);
      else {
        const key = `${answer.status} ${answer.body?.code}`;
        refusals.set(key, (refusals.get(key) ?? 0) + 1);
      }
    }
  })();

  await eventually(() => acknowledged.length >= 20, 'writes before the outage', 30_000);
  stopPostgres();
  const duringOutage = acknowledged.length;
  await eventually(() => (refusals.get('503 STORE_UNAVAILABLE') ?? 0) >= 5, 'refusals during the outage', 30_000);
  const ready = await send(`${node.url}/readyz`);
  t.equal(ready.status, 503, '/readyz says the node cannot serve during the outage');
  t.equal((await send(`${node.url}/healthz`)).status, 200, 'the process itself is alive');
  startPostgres();
  await eventually(() => acknowledged.length >= duringOutage + 20, 'writes after the outage, without restarting idnode', 60_000);
  loading = false;
  await load;

  t.same([...refusals.keys()], ['503 STORE_UNAVAILABLE'], `every refusal was a clean 503 STORE_UNAVAILABLE (${[...refusals].map(([key, n]) => `${n} × ${key}`).join(', ')})`);
  t.equal((await send(`${node.url}/readyz`)).status, 200, 'ready again');
  t.equal((await send(`${node.url}/api/handles/${acknowledged[0]}`)).status, 200, 'and resolving');
  const stored = await withDatabase((client) => client.query<{ n: string }>('SELECT count(*) AS n FROM handles WHERE handle = ANY($1)', [acknowledged]), url);
  t.equal(Number(stored.rows[0]!.n), acknowledged.length, `all ${acknowledged.length} acknowledged writes are in the database`);
  t.same(await node.stop(), { code: 0, signal: null });
});
