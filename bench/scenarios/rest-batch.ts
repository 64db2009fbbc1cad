import { join } from 'node:path';
import { runHttpLoad } from '../lib/http-load.js';
import { measureInTurns, type Target } from '../lib/measure.js';
import { rawSqliteTarget } from '../lib/raw-target.js';
import { againstRawCeilings } from '../lib/scenario-result.js';
import type { Scenario } from '../lib/scenario.js';
import { startIdnode, startRawSqlite } from '../lib/servers.js';
import { batches } from '../lib/workload.js';

const CONNECTIONS = 4;

/**
 * POST /api/v1/handles/batch: a batch of new identifiers per request, one transaction each. Measured against
 * two raw references in turns: five-column rows (the classic ceiling) and full rows, the row idnode writes
 * (public_json and search entries too), so the second ratio is what idnode adds around SQLite's own insert.
 */
export const restBatch: Scenario = {
  name: 'rest-batch',
  title: 'REST batch registration (POST /api/v1/handles/batch), ops = identifiers',
  unavailable: async () => undefined,
  run: async (context) => {
    const { settings, seeded } = context;
    const size = settings.batchSize;
    const server = await startIdnode(context, { name: restBatch.name, dataDir: seeded.dataDir });
    const raw = await startRawSqlite(context, context.references.get('raw-sqlite-insert')!, join(context.workDir, 'raw-batch.sqlite'), seeded.valuesJson, seeded.fullRow);
    try {
      const next = batches('batch', size, seeded.credential);
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
      const duration = (phase: 'warmup' | 'measure') => (phase === 'warmup' ? settings.warmupSec : settings.durationSec);
      const fiveColumns = rawSqliteTarget(raw, size, duration, 'batch');
      const fullRows = rawSqliteTarget(raw, size, duration, 'batch', true);
      const [measuredOurs, measuredFive, measuredFull] = await measureInTurns([ours, fiveColumns, fullRows], settings.runs, true);
      const common = `${size.toLocaleString('en-US')} identifiers per request over ${CONNECTIONS} connections; latencies are per batch. A 200 is counted as ${size} registrations without reading the per-item results.`;
      return againstRawCeilings({ name: restBatch.name, title: restBatch.title, notes: [common] }, size, measuredOurs!, measuredFive!, measuredFull!);
    } finally {
      await Promise.all([server.stop(), raw.stop()]);
    }
  },
};
