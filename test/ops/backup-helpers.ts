import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { send } from '../helpers/http.js';
import { basic } from '../helpers/rest-node.js';
import { runInProcess, type InProcessRun } from '../cli/in-process.js';
import { firstRunCredentials, type SpawnedNode } from '../helpers/spawn-node.js';

const VALUES = { values: [{ index: 1, type: 'URL', data: 'https://example.com/backup' }] };
/** The write loop's pause between writes until `unpaced()`. */
const PACE_MS = 20;
// A metering day every 4 real seconds, so days close and the node seals them while the test runs.
export const FAST_DAYS = ['--clock-start', '2024-06-01T00:00:00+08:00', '--clock-rate', '21600'];
/**
 * A closed day sealed 1 s after it ends instead of the default 10 s (the tests wait for a sealed day), still
 * five metering flushes (200 ms each) after it: every count of the day has landed when it is sealed.
 */
export const FAST_SEAL = { IDNODE_METERING_FLUSH_INTERVAL_MS: '200', IDNODE_LEDGER_SEAL_DELAY_MS: '1000' };

/** An idnode command line run in this process (admin commands open the store like a separate process would). */
export function cli(args: readonly string[], options: { env?: Record<string, string> } = {}): Promise<InProcessRun> {
  return runInProcess(args, { env: options.env ?? {}, cwd: process.cwd() });
}

/**
 * Registers identifiers one after another until stopped; `acknowledged` lists those answered 201. Paced (one
 * every PACE_MS) while the test only waits for a sealed day, so that the wait costs little CPU; `unpaced()`
 * writes back to back, as fast as the node acknowledges, for what the backup must run beside.
 */
export function writeLoop(node: SpawnedNode) {
  const credentials = firstRunCredentials(node.stderr())!;
  const headers = { authorization: basic(credentials.demo.id, credentials.demo.secret) };
  const acknowledged: string[] = [];
  let stopped = false;
  let paced = true;
  const done = (async () => {
    for (let k = 0; !stopped; k++) {
      const name = `88.999.DEMO/backup-${k}`;
      if ((await send(`${node.url}/api/handles/${name}`, { method: 'PUT', headers, json: VALUES })).status === 201) acknowledged.push(name);
      if (paced) await sleep(PACE_MS);
    }
  })();
  return {
    acknowledged,
    unpaced() {
      paced = false;
    },
    async stop() {
      stopped = true;
      await done;
    },
  };
}

/** Exports ledger and key from a store with the admin CLI and verifies the ledger offline; returns the export. */
export async function verifiedLedger(t: Test, work: string, storeArgs: string[], env: Record<string, string> = {}): Promise<{ entries: { day: string; hash: string }[] }> {
  mkdirSync(work, { recursive: true });
  const exported = await cli(['ledger', 'export', ...storeArgs], { env });
  t.equal(exported.code, 0, exported.stderr);
  const key = await cli(['key', 'export', ...storeArgs], { env });
  t.equal(key.code, 0, key.stderr);
  writeFileSync(join(work, 'ledger.json'), exported.stdout);
  writeFileSync(join(work, 'node.pem'), key.stdout);
  const verified = await cli(['ledger', 'verify', '--public-key', join(work, 'node.pem'), join(work, 'ledger.json')]);
  t.equal(verified.code, 0, `the restored ledger verifies: ${verified.stdout}${verified.stderr}`);
  return JSON.parse(exported.stdout) as { entries: { day: string; hash: string }[] };
}

export function expectOk(t: Test, run: { code: number | null; stderr: string }, what: string): void {
  t.equal(run.code, 0, `${what}: ${run.stderr}`);
}

