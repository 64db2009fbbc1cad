import { join } from 'node:path';
import { DEFAULT_CHUNK_SIZE } from '../../src/core/bulk/bulk-types.js';
import type { LoadRun } from '../lib/http-load.js';
import { postJson } from '../lib/http-post.js';
import { measureInTurns, type Target } from '../lib/measure.js';
import { processWaitNs } from '../lib/proc.js';
import { rawSqliteTarget } from '../lib/raw-target.js';
import { againstRawCeilings } from '../lib/scenario-result.js';
import type { Scenario } from '../lib/scenario.js';
import { startIdnode, startRawSqlite } from '../lib/servers.js';
import { LatencyRecorder } from '../lib/stats.js';
import { basicAuth, ndjsonImport } from '../lib/workload.js';

/** POST /api/v1/import: one streamed NDJSON body of new identifiers per run. */
export const restImportNdjson: Scenario = {
  name: 'rest-import-ndjson',
  title: 'REST NDJSON bulk import (POST /api/v1/import), ops = identifiers',
  unavailable: async () => undefined,
  run: async (context) => {
    const { settings } = context;
    const server = await startIdnode(context, { name: restImportNdjson.name, dataDir: context.seeded.dataDir, cores: 'both' });
    const raw = await startRawSqlite(context, context.references.get('raw-sqlite-insert')!, join(context.workDir, 'raw-import.sqlite'), context.seeded.valuesJson, context.seeded.fullRow);
    const headers = { 'content-type': 'application/x-ndjson', authorization: basicAuth(context.seeded.credential.id, context.seeded.credential.secret) };
    try {
      const ours: Target = {
        name: 'idnode',
        pid: server.pid,
        run: async (phase, index): Promise<LoadRun> => {
          const count = phase === 'warmup' ? Math.ceil(settings.importSize / 10) : settings.importSize;
          // Built before the clock starts: the generator's work is then only sending bytes.
          const body = ndjsonImport(`${phase}${index}`, count);
          const cpuBefore = process.cpuUsage();
          const waitBefore = processWaitNs('self');
          const started = performance.now();
          const answer = await postJson(server.url, '/api/v1/import', headers, body, 600_000);
          const wallSec = (performance.now() - started) / 1000;
          const cpu = process.cpuUsage(cpuBefore);
          const created = (answer.json as { summary?: { created?: number } }).summary?.created ?? 0;
          const latency = new LatencyRecorder(2);
          latency.record(wallSec * 1000);
          return {
            ops: created,
            responses: 1,
            sent: 1,
            wallSec,
            latency: latency.summary(),
            generatorCpuShare: (cpu.user + cpu.system) / 1e6 / wallSec,
            generatorWaitShare: (processWaitNs('self') - waitBefore) / 1e9 / wallSec,
            unexpected: (answer.status === 200 ? 0 : 1) + (count - created),
            statuses: { [answer.status]: 1 },
          };
        },
      };
      const duration = (phase: 'warmup' | 'measure') => (phase === 'warmup' ? settings.warmupSec : settings.durationSec);
      const fiveColumns = rawSqliteTarget(raw, DEFAULT_CHUNK_SIZE, duration, 'import');
      const fullRows = rawSqliteTarget(raw, DEFAULT_CHUNK_SIZE, duration, 'import', true);
      const [measuredOurs, measuredFive, measuredFull] = await measureInTurns([ours, fiveColumns, fullRows], settings.runs, true);
      return againstRawCeilings(
        {
          name: restImportNdjson.name,
          title: restImportNdjson.title,
          notes: [
            `one import of ${settings.importSize.toLocaleString('en-US')} identifiers per run (latencies are of the whole request; only created identifiers count as operations); the reference's transactions are the import's chunks.`,
            "idnode may use both cores here: its SQLite writer thread commits a chunk while the main thread parses and validates the next (the generator only writes a body built before the clock starts). The reference is single-threaded by nature; pinned to one core (the other scenarios' pinning), the two threads would take turns on it.",
          ],
        },
        DEFAULT_CHUNK_SIZE,
        measuredOurs!,
        measuredFive!,
        measuredFull!,
      );
    } finally {
      await Promise.all([server.stop(), raw.stop()]);
    }
  },
};
