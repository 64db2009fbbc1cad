import { performance } from 'node:perf_hooks';
import { prng } from './prng.js';
import { basicAuth, expectJson, pool } from './http.js';
import { itemHandle, type WorkloadSpec } from './workload.js';
import { zipfRank } from './zipf.js';

/** A node's measured capacity on this machine (operations per real second, answered successfully). */
export interface Capacity {
  readonly resolutionsPerSecond: number;
  readonly registrationsPerSecond: number;
  readonly method: string;
}

export interface CapacityOptions {
  readonly spec: WorkloadSpec;
  readonly node: number;
  readonly url: string;
  readonly enterprise: { readonly id: string; readonly secret: string };
  /** Real seconds of each burst (resolutions, then registrations). */
  readonly seconds: number;
  readonly concurrency: number;
  readonly batchSize: number;
}

/**
 * Measures what a node sustains when pushed: a closed-loop burst of resolutions of its own identifiers
 * (Zipf-distributed like the workload), `concurrency` in flight, for `seconds`, then a burst of batch
 * registrations of new identifiers (CAP-… under its enterprise prefix). Capacity = successful answers per
 * second. Measured from this process on this machine: the load generator shares the CPU with every node, so
 * it is a lower bound of what the node would do on a machine of its own. Run after the reports are taken
 * (these operations are counted like any other).
 */
export async function measureCapacity(options: CapacityOptions): Promise<Capacity> {
  const { spec, node } = options;
  const registered = spec.days * spec.registrationsPerNodePerDay;
  const random = prng(spec.seed ^ 0x5eed);
  let resolved = 0;
  const resolveUntil = performance.now() + options.seconds * 1000;
  const resolveStart = performance.now();
  await pool(endless(() => performance.now() < resolveUntil), options.concurrency, async () => {
    const handle = itemHandle(spec, node, zipfRank(random(), Math.max(1, registered), spec.zipf) - 1);
    const answer = await fetch(`${options.url}/api/handles/${handle}`);
    await answer.arrayBuffer();
    if (answer.status === 200) resolved++;
  });
  const resolveSeconds = (performance.now() - resolveStart) / 1000;

  let created = 0;
  let batch = 0;
  const prefix = itemHandle(spec, node, 0).split('/')[0]!;
  const registerUntil = performance.now() + options.seconds * 1000;
  const registerStart = performance.now();
  await pool(endless(() => performance.now() < registerUntil), Math.max(1, Math.floor(options.concurrency / 8)), async () => {
    const b = batch++;
    const items = Array.from({ length: options.batchSize }, (_, k) => ({ handle: `${prefix}/CAP-${b}-${k}`, values: [{ index: 1, type: 'DESC', data: 'capacity probe' }] }));
    const answer = await expectJson(`${options.url}/api/v1/handles/batch`, 200, { method: 'POST', authorization: basicAuth(options.enterprise.id, options.enterprise.secret), json: { items } });
    created += answer.summary.created as number;
  });
  const registerSeconds = (performance.now() - registerStart) / 1000;
  return {
    resolutionsPerSecond: Math.round(resolved / resolveSeconds),
    registrationsPerSecond: Math.round(created / registerSeconds),
    method: `closed-loop bursts from the simulating process on this machine: ${options.seconds} s of REST resolutions (${options.concurrency} in flight, Zipf over the node's own identifiers), then ${options.seconds} s of batch registrations (${options.batchSize} a batch, ${Math.max(1, Math.floor(options.concurrency / 8))} in flight); successful answers per second. The load generator and the other nodes share this machine's CPU: a lower bound.`,
  };
}

function* endless(go: () => boolean): Generator<number> {
  for (let n = 0; go(); n++) yield n;
}
