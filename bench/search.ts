/**
 * The reverse-lookup benchmark (issue 13): `npm run bench:search -- [--size N] [--cost-size N] [--rounds R]`.
 * See bench/README.md, "Reverse lookup".
 *
 * 1. What the index costs registration, in one run: --cost-size identifiers (default 200,000) created through
 *    Store.applyWrites in 2,000-identifier transactions into a fresh SQLite file (and a fresh PostgreSQL schema
 *    when the server answers, a tenth as many), alternately with the index kept and with creates skipping it,
 *    --rounds times each (default 3); the median of each side and their ratio.
 * 2. Search latency over --size identifiers (default 10,000,000): seeded into a fresh SQLite file (the bench's
 *    identifiers: URL, product model, HS_ADMIN), then node.search called in-process (the core, as every front end
 *    calls it; no HTTP) for each kind of query, 200 times each with random targets: p50 and p99.
 * Prints a Markdown summary and writes bench/results/search.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ANONYMOUS } from '../src/core/auth/principal.js';
import { parseConditions } from '../src/core/search/search-pattern.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { markdownTable } from './lib/format.js';
import { benchCoreNode, seedIdentifiers } from './lib/seed.js';
import { measurePostgresWriteCost, measureSqliteWriteCost, type WriteCostRun } from './lib/search-write-cost.js';
import { median, percentile } from './lib/stats.js';
import { clientValues } from './lib/workload.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ADMIN_URL = process.env['IDNODE_BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const QUERIES_PER_KIND = 200;

const { values: flags } = parseArgs({
  options: { size: { type: 'string', default: '10000000' }, 'cost-size': { type: 'string', default: '200000' }, rounds: { type: 'string', default: '3' } },
});
const size = Number(flags.size);
const costSize = Number(flags['cost-size']);
const rounds = Number(flags.rounds);
const log = (message: string) => process.stderr.write(`[bench:search] ${message}\n`);

function costRow(label: string, runs: readonly WriteCostRun[]): string[] {
  const of = (index: 'with' | 'without') => runs.filter((run) => run.index === index);
  const rate = (index: 'with' | 'without') => median(of(index).map((run) => run.idsPerSecond));
  const cpu = (index: 'with' | 'without') => median(of(index).map((run) => run.cpuMicrosPerId));
  const all = (index: 'with' | 'without') => of(index).map((run) => Math.round(run.idsPerSecond).toLocaleString('en-US')).join(', ');
  const side = (index: 'with' | 'without') => `${Math.round(rate(index)).toLocaleString('en-US')} (${all(index)}); ${cpu(index).toFixed(1)} µs`;
  return [label, side('without'), side('with'), `${((rate('with') / rate('without')) * 100).toFixed(0)} %`, `${((cpu('without') / cpu('with')) * 100).toFixed(0)} %`];
}

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The kinds of query measured, each a function of a random identifier number below `size`. */
function queryKinds(population: number) {
  const url = (i: number) => clientValues(i)[0]!.data;
  const digits = (i: number) => String(i).padStart(8, '0');
  return [
    { name: 'exact URL', limit: 100, query: (i: number) => [['URL', url(i)]] as [string, string][] },
    { name: 'URL prefix*, 10 matches', limit: 100, query: (i: number) => [['URL', `${url(i).slice(0, -1)}*`]] as [string, string][] },
    { name: 'URL prefix*, first 100 of 1,000', limit: 100, query: (i: number) => [['URL', `${url(i).slice(0, -3)}*`]] as [string, string][] },
    { name: 'URL prefix*middle*, 100 of 1,000 read', limit: 100, query: (i: number) => [['URL', `https://products.example.com/p/PN-${digits(i).slice(0, 5)}*${digits(i).slice(7)}`]] as [string, string][] },
    { name: 'no match (empty range)', limit: 100, query: (i: number) => [['URL', `https://products.example.com/q/${i}*`]] as [string, string][] },
  ];
}

async function main(): Promise<void> {
  const started = Date.now();
  log(`registration with and without the index: ${costSize.toLocaleString('en-US')} identifiers a run, ${rounds} rounds`);
  const sqliteCost = await measureSqliteWriteCost(costSize, rounds);
  const pgCost = (await postgresAnswers()) ? await measurePostgresWriteCost(ADMIN_URL, Math.max(1000, Math.floor(costSize / 10)), rounds) : undefined;

  const dir = mkdtempSync(join(tmpdir(), 'idnode-bench-search-'));
  try {
    const store = openSqliteStore({ file: join(dir, 'idnode.sqlite'), synchronous: 'normal' });
    log(`seeding ${size.toLocaleString('en-US')} identifiers`);
    const seedSeconds = await seedIdentifiers(store, size, '300:0.NA/88.999.1', {
      chunk: 10_000,
      onProgress: (done) => {
        if (done % 1_000_000 === 0) log(`  ${done.toLocaleString('en-US')}`);
      },
    });
    const node = await benchCoreNode(store);
    const latency: { name: string; p50: number; p99: number; handles: number }[] = [];
    try {
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (const kind of queryKinds(size)) {
        const times: number[] = [];
        let handles = 0;
        for (let k = 0; k < QUERIES_PER_KIND + 20; k++) {
          const conditions = parseConditions(kind.query(Math.floor(random() * (size - 1000))));
          const t0 = performance.now();
          const page = await node.search.search(ANONYMOUS, { conditions, limit: kind.limit });
          const ms = performance.now() - t0;
          if (k >= 20) {
            times.push(ms); // the first 20 warm up
            handles += page.handles.length;
          }
        }
        times.sort((a, b) => a - b);
        latency.push({ name: kind.name, p50: percentile(times, 50), p99: percentile(times, 99), handles: handles / QUERIES_PER_KIND });
      }
    } finally {
      await node.close();
      await store.close();
    }
    const results = {
      startedAt: new Date(started).toISOString(),
      machine: { cores: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
      registration: { sqlite: { count: costSize, runs: sqliteCost }, ...(pgCost ? { postgres: { count: Math.max(1000, Math.floor(costSize / 10)), runs: pgCost } } : {}) },
      search: { population: size, seedSeconds, queriesPerKind: QUERIES_PER_KIND, latency },
    };
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/search.json'), JSON.stringify(results, null, 2) + '\n');
    const summary = [
      `# Reverse lookup (${new Date(started).toISOString()}, ${cpus().length} cores, ${process.version})`,
      '',
      `Registration through Store.applyWrites (2,000 a transaction): identifiers/s, median (runs); CPU µs per identifier of this process, median:`,
      '',
      markdownTable(['store', 'without the index', 'with the index', 'rate with ÷ without', 'CPU without ÷ with'], [
        costRow(`SQLite, ${costSize.toLocaleString('en-US')} ids`, sqliteCost),
        ...(pgCost ? [costRow(`PostgreSQL, ${Math.max(1000, Math.floor(costSize / 10)).toLocaleString('en-US')} ids`, pgCost)] : []),
      ]),
      '',
      `Search over ${size.toLocaleString('en-US')} identifiers (seeded in ${seedSeconds.toFixed(0)} s), node.search as anonymous, ${QUERIES_PER_KIND} queries a kind:`,
      '',
      markdownTable(['query', 'p50 ms', 'p99 ms', 'handles a page'], latency.map((row) => [row.name, row.p50.toFixed(2), row.p99.toFixed(2), row.handles.toFixed(1)])),
      '',
    ].join('\n');
    process.stdout.write(summary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
