import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { runHttpLoad } from '../lib/http-load.js';
import { measureInTurns, type Target } from '../lib/measure.js';
import { rawSqliteTarget } from '../lib/raw-target.js';
import { againstRawCeilings } from '../lib/scenario-result.js';
import type { Scenario } from '../lib/scenario.js';
import { startIdnode, startRawSqlite, type RunningServer } from '../lib/servers.js';
import { batches } from '../lib/workload.js';

const CONNECTIONS = 4;

/**
 * POST /api/v1/handles/batch: a batch of new identifiers per request, one transaction each. Measured against
 * two raw references in turns: five-column rows (the classic ceiling) and full rows, the row idnode writes
 * (public_json and search entries too), so the second ratio is what idnode adds around SQLite's own insert.
 * Two idnodes take their turns too: one pinned to the server core as in the other scenarios, and one on both
 * cores (the generator's included), where the writer thread commits one batch while the main thread parses
 * the next, as rest-import-ndjson measures the import.
 */
export const restBatch: Scenario = {
  name: 'rest-batch',
  title: 'REST batch registration (POST /api/v1/handles/batch), ops = identifiers',
  unavailable: async () => undefined,
  run: async (context) => {
    const { settings, seeded } = context;
    const size = settings.batchSize;
    const server = await startIdnode(context, { name: restBatch.name, dataDir: seeded.dataDir });
    const bothCoresDir = `${seeded.dataDir}-both-cores`;
    cpSync(seeded.dataDir, bothCoresDir, { recursive: true });
    const bothCores = await startIdnode(context, { name: `${restBatch.name}-both-cores`, dataDir: bothCoresDir, cores: 'both' });
    const raw = await startRawSqlite(context, context.references.get('raw-sqlite-insert')!, join(context.workDir, 'raw-batch.sqlite'), seeded.valuesJson, seeded.fullRow);
    try {
      const target = (name: string, running: RunningServer, label: string): Target => {
        const next = batches(label, size, seeded.credential);
        return {
          name,
          pid: running.pid,
          run: (phase) =>
            runHttpLoad({
              url: running.url,
              connections: CONNECTIONS,
              durationSec: phase === 'warmup' ? settings.warmupSec : settings.durationSec,
              next,
              expected: [200],
              opsPerRequest: size,
            }),
        };
      };
      const ours = target('idnode', server, 'batch');
      const oursBothCores = target('idnode (both cores)', bothCores, 'batch2');
      const duration = (phase: 'warmup' | 'measure') => (phase === 'warmup' ? settings.warmupSec : settings.durationSec);
      const fiveColumns = rawSqliteTarget(raw, size, duration, 'batch');
      const fullRows = rawSqliteTarget(raw, size, duration, 'batch', true);
      const [measuredOurs, measuredBoth, measuredFive, measuredFull] = await measureInTurns([ours, oursBothCores, fiveColumns, fullRows], settings.runs, true);
      const common = `${size.toLocaleString('en-US')} identifiers per request over ${CONNECTIONS} connections; latencies are per batch. A 200 is counted as ${size} registrations without reading the per-item results.`;
      return [
        ...againstRawCeilings({ name: restBatch.name, title: `${restBatch.title}, server on one core`, notes: [common] }, size, measuredOurs!, measuredFive!, measuredFull!),
        ...againstRawCeilings(
          {
            name: `${restBatch.name}-both-cores`,
            title: `${restBatch.title}, server on both cores`,
            notes: [common, "this idnode may use both cores, the generator's included (see the generator's CPU share); the reference is single-threaded by nature."],
          },
          size,
          measuredBoth!,
          measuredFive!,
          measuredFull!,
        ),
      ];
    } finally {
      await Promise.all([server.stop(), bothCores.stop(), raw.stop()]);
    }
  },
};
