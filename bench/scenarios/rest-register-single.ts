import { join } from 'node:path';
import { runHttpLoad } from '../lib/http-load.js';
import { measurePair, type Target } from '../lib/measure.js';
import { rawSqliteTarget } from '../lib/raw-target.js';
import { scenarioResult } from '../lib/scenario-result.js';
import type { Scenario } from '../lib/scenario.js';
import { startIdnode, startRawSqlite } from '../lib/servers.js';
import { registrations } from '../lib/workload.js';

/** One identifier per PUT, each its own committed, fsynced transaction. */
export const restRegisterSingle: Scenario = {
  name: 'rest-register-single',
  title: 'REST PUT of new identifiers, one per request (each a fsynced commit)',
  unavailable: async () => undefined,
  run: async (context) => {
    const { settings } = context;
    const server = await startIdnode(context, { name: restRegisterSingle.name, dataDir: context.seeded.dataDir });
    const raw = await startRawSqlite(context, context.references.get('raw-sqlite-insert')!, join(context.workDir, 'raw-single.sqlite'), context.seeded.valuesJson);
    try {
      const next = registrations('single', context.seeded.credential);
      const ours: Target = {
        name: 'idnode',
        pid: server.pid,
        run: (phase) =>
          runHttpLoad({
            url: server.url,
            connections: settings.connections,
            durationSec: phase === 'warmup' ? settings.warmupSec : settings.durationSec,
            next,
            expected: [201],
          }),
      };
      const reference = rawSqliteTarget(raw, 1, (phase) => (phase === 'warmup' ? settings.warmupSec : settings.durationSec), 'single');
      const measured = await measurePair(ours, reference, settings.runs, true);
      return scenarioResult(
        {
          name: restRegisterSingle.name,
          title: restRegisterSingle.title,
          notes: [
            `idnode with its default sqlite-synchronous=full, ${settings.connections} connections; the reference inserts one row per transaction in a loop with the same durability (no HTTP, auth, validation or metering).`,
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
