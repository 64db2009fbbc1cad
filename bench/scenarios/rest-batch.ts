import { join } from 'node:path';
import { runHttpLoad } from '../lib/http-load.js';
import { measurePair, type Target } from '../lib/measure.js';
import { rawSqliteTarget } from '../lib/raw-target.js';
import { scenarioResult } from '../lib/scenario-result.js';
import type { Scenario } from '../lib/scenario.js';
import { startIdnode, startRawSqlite } from '../lib/servers.js';
import { batches } from '../lib/workload.js';

const CONNECTIONS = 4;

/** POST /api/v1/handles/batch: a batch of new identifiers per request, one transaction each. */
export const restBatch: Scenario = {
  name: 'rest-batch',
  title: 'REST batch registration (POST /api/v1/handles/batch), ops = identifiers',
  unavailable: async () => undefined,
  run: async (context) => {
    const { settings } = context;
    const size = settings.batchSize;
    const server = await startIdnode(context, { name: restBatch.name, dataDir: context.seeded.dataDir });
    const raw = await startRawSqlite(context, context.references.get('raw-sqlite-insert')!, join(context.workDir, 'raw-batch.sqlite'), context.seeded.valuesJson);
    try {
      const next = batches('batch', size, context.seeded.credential);
      const ours: Target = {
        name: 'idnode',
        pid: server.pid,
        run: (phase) =>
          runHttpLoad({
            url: server.url,
            connections: CONNECTIONS,
            durationSec: phase === 'warmup' ? settings.warmupSec : settings.durationSec,
            next,
            expected: [200],
            opsPerRequest: size,
          }),
      };
      const reference = rawSqliteTarget(raw, size, (phase) => (phase === 'warmup' ? settings.warmupSec : settings.durationSec), 'batch');
      const measured = await measurePair(ours, reference, settings.runs, true);
      return scenarioResult(
        {
          name: restBatch.name,
          title: restBatch.title,
          notes: [
            `${size.toLocaleString('en-US')} identifiers per request over ${CONNECTIONS} connections; latencies are per batch. The reference commits ${size.toLocaleString('en-US')} raw rows per transaction with the same durability. A 200 is counted as ${size} registrations without reading the per-item results.`,
          ],
        },
        measured.ours,
        measured.reference,
      );
    } finally {
      await Promise.all([server.stop(), raw.stop()]);
    }
  },
};
