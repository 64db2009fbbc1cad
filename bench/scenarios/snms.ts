import { runHttpLoad, type HttpRequestSpec } from '../lib/http-load.js';
import { measurePair, type Target } from '../lib/measure.js';
import { scenarioResult } from '../lib/scenario-result.js';
import type { BenchContext, Scenario } from '../lib/scenario.js';
import { startIdnode, type RunningServer } from '../lib/servers.js';
import { batches, BENCH_PREFIX, clientValues, getRequest, hotSetInOrder, zipfHandles } from '../lib/workload.js';

/** SNMS batches hold at most this many items, as the native batch does: both are measured at the limit. */
const SNMS_BATCH = 2000;
const BATCH_CONNECTIONS = 4;
const BATCH_MIN_SEC = 3;

/** Logs the bench enterprise in over SNMS and returns its bearer token. */
async function snmsToken(server: RunningServer, credential: { id: string; secret: string }): Promise<string> {
  const response = await fetch(`${server.url}/identity/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: credential.id, password: credential.secret }) });
  const body = (await response.json()) as { status: number; data?: { token: string }; message?: string };
  if (body.status !== 1 || body.data === undefined) throw new Error(`SNMS login failed: ${body.message ?? response.status}`);
  return body.data.token;
}

/** SNMS batchCreate bodies of `size` new identifiers each (S-<tag>-<n>), the same records the native batch sends. */
function snmsBatches(tag: string, size: number, token: string): () => HttpRequestSpec {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  let next = 0;
  return () => {
    const items: string[] = [];
    for (let i = 0; i < size; i++, next++) {
      const value = clientValues(next).map((v) => ({ index: v.index, type: v.type, data: { format: 'string', value: v.data } }));
      items.push(JSON.stringify({ handle: `${BENCH_PREFIX}/S-${tag}-${next}`, value }));
    }
    return { method: 'POST', path: '/identityv2/data/batchCreate', headers, body: `[${items.join(',')}]` };
  };
}

/**
 * A run of at least `minDurationSec`: a 2,000-item batch takes about half a second on a busy machine, so the quick
 * bench's 0.75 s runs would see one or two batches (or none) per connection.
 */
function loadTarget(name: string, server: RunningServer, context: BenchContext, next: () => HttpRequestSpec, connections: number, opsPerRequest: number, minDurationSec = 0): Target {
  const { settings } = context;
  return {
    name,
    pid: server.pid,
    run: (phase) =>
      runHttpLoad({
        url: server.url,
        connections,
        ...(phase === 'warmup' ? { amount: Math.max(connections, Math.ceil(settings.warmupRequests / opsPerRequest)), maxSec: settings.warmupMaxSec } : { durationSec: Math.max(settings.durationSec, minDurationSec) }),
        next,
        expected: [200],
        opsPerRequest,
      }),
  };
}

/** SNMS batchCreate of 2,000-item batches beside the native REST batch of 2,000, on one idnode. */
export const snmsBatchCreate: Scenario = {
  name: 'snms-batch-create',
  title: 'SNMS batchCreate, 2,000 identifiers a request (reference: native POST /api/v1/handles/batch of 2,000 on the same node), ops = identifiers',
  unavailable: async () => undefined,
  run: async (context) => {
    const server = await startIdnode(context, { name: snmsBatchCreate.name, dataDir: context.seeded.dataDir });
    try {
      const token = await snmsToken(server, context.seeded.credential);
      const ours = loadTarget('idnode SNMS batchCreate', server, context, snmsBatches('snms', SNMS_BATCH, token), BATCH_CONNECTIONS, SNMS_BATCH, BATCH_MIN_SEC);
      const native = loadTarget('idnode native REST batch', server, context, batches('snms-native', SNMS_BATCH, context.seeded.credential), BATCH_CONNECTIONS, SNMS_BATCH, BATCH_MIN_SEC);
      const measured = await measurePair(ours, native, context.settings.runs, true);
      return scenarioResult(
        {
          name: snmsBatchCreate.name,
          title: snmsBatchCreate.title,
          notes: [
            `${SNMS_BATCH.toLocaleString('en-US')} new identifiers per request over ${BATCH_CONNECTIONS} connections, the same records both ways (URL and product model); both commit each batch in one transaction through the same BulkRegistration. The "reference" here is idnode's native batch API on the same server, not a bare implementation: the ratio is SNMS's cost over the native API (decoding the SNMS items, the token lookup).`,
          ],
        },
        measured.ours,
        measured.reference,
      );
    } finally {
      await server.stop();
    }
  },
};

/** SNMS detail lookups of a warm hot set (with the login token SNMS clients send) beside native anonymous REST GETs of the same identifiers. */
export const snmsDetail: Scenario = {
  name: 'snms-detail',
  title: 'SNMS GET /identityv2/data/detail, Zipf hot set, bearer token (reference: native REST GET of the same identifiers on the same node)',
  unavailable: async () => undefined,
  run: async (context) => {
    const { settings } = context;
    const server = await startIdnode(context, { name: snmsDetail.name, dataDir: context.seeded.dataDir });
    try {
      const token = await snmsToken(server, context.seeded.credential);
      const headers = { accept: 'application/json', authorization: `Bearer ${token}` };
      const detail = (handle: string): HttpRequestSpec => ({ method: 'GET', path: `/identityv2/data/detail?handle=${encodeURIComponent(handle)}`, headers });
      // Every hot identifier once first: both sides then answer from the cache.
      const warm = hotSetInOrder(settings.hotSize, settings.population);
      await runHttpLoad({ url: server.url, connections: settings.connections, amount: settings.hotSize, next: () => getRequest(warm()), expected: [200], maxSec: 60 });
      const snmsNext = zipfHandles(settings.hotSize, settings.population, 11);
      const restNext = zipfHandles(settings.hotSize, settings.population, 11);
      const ours = loadTarget('idnode SNMS detail', server, context, () => detail(snmsNext()), settings.connections, 1);
      const native = loadTarget('idnode native REST GET', server, context, () => getRequest(restNext()), settings.connections, 1);
      const measured = await measurePair(ours, native, settings.runs, true);
      return scenarioResult(
        {
          name: snmsDetail.name,
          title: snmsDetail.title,
          notes: [
            'Both resolve the same Zipf hot set from the same warm cache. The native GET is anonymous and takes the warm path (an answer encoded once); an SNMS detail authenticates its bearer token (a token and a principal read from the store per request) and encodes its own answer: the ratio is that cost.',
          ],
        },
        measured.ours,
        measured.reference,
      );
    } finally {
      await server.stop();
    }
  },
};
