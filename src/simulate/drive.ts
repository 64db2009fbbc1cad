import { setTimeout as sleep } from 'node:timers/promises';
import { basicAuth, expectJson, pool, withRetries } from './http.js';
import { registrationsOf, resolutionsOf, type WireItem, type WorkloadSpec } from './workload.js';

/** A node as the driver sends to it: its REST URL and the credential of the enterprise it hosts. */
export interface DrivenNode {
  readonly url: string;
  readonly enterprise: { readonly id: string; readonly secret: string };
}

/** The one set clock of every node: reads `startMs` at real instant `realStartMs`, `rate` times real time. */
export interface SharedClock {
  readonly startMs: number;
  readonly rate: number;
  readonly realStartMs: number;
}

export const DAY_MS = 86_400_000;

/** The real instant (epoch ms) at which the shared clock reads `simulatedMs`. */
export function realInstantOf(clock: SharedClock, simulatedMs: number): number {
  return clock.realStartMs + (simulatedMs - clock.startMs) / clock.rate;
}

/** What one node was sent on one day, counted from the answers (only what the node accepted). */
export interface DayTally {
  readonly day: string;
  registrations: number;
  resolutionsAsked: number;
  crossNodeAsked: number;
  servedForOthers: number;
  failures: number;
  /** Real ms the node's registrations and resolutions of the day took (each phase from its start to its last answer). */
  registrationMs: number;
  resolutionMs: number;
}

export interface DriveResult {
  /** Per node, per workload day. */
  readonly days: readonly (readonly DayTally[])[];
  /** Days whose work was still running when the day ended on the clock (their counts spill into the next day). */
  readonly overruns: readonly string[];
  readonly firstFailures: readonly string[];
  /** The metering day on the clock when the last answer came (later than the last workload day after an overrun). */
  readonly lastActiveDay: string;
}

export interface DriveOptions {
  readonly spec: WorkloadSpec;
  readonly nodes: readonly DrivenNode[];
  readonly clock: SharedClock;
  /** The simulated instant (epoch ms) at which workload day 1 begins: a midnight of the metering time zone. */
  readonly firstDayStartMs: number;
  /** Requests in flight per node (resolutions; registrations use a quarter, at least 1). */
  readonly concurrency: number;
  readonly batchSize: number;
  /** Told at the start of each day (progress lines). */
  readonly onDay?: (day: number, label: string) => void;
}

/**
 * Sends the workload day by day on the nodes' clock: waits until every node's clock is in day d (they share
 * one clock), sends every node's registrations of the day (batch endpoint, all nodes at once), then every
 * node's resolutions (REST GET, all nodes at once), and notes a day whose work outlasted it on the clock.
 * Every answer is checked: a registration counts when the batch says created, a resolution when answered 200.
 */
export async function driveWorkload(options: DriveOptions): Promise<DriveResult> {
  const { spec, nodes, clock } = options;
  const days: DayTally[][] = nodes.map(() => []);
  const overruns: string[] = [];
  const firstFailures: string[] = [];
  const fail = (message: string) => {
    if (firstFailures.length < 10) firstFailures.push(message);
  };
  for (let day = 1; day <= spec.days; day++) {
    const startMs = options.firstDayStartMs + (day - 1) * DAY_MS;
    const label = meteringDayLabel(startMs);
    // A small margin after midnight so that no node (nor rounding) is still in the day before.
    const startReal = realInstantOf(clock, startMs + DAY_MS * 0.001);
    const wait = startReal - Date.now();
    if (wait > 0) await sleep(wait);
    options.onDay?.(day, label);
    const tallies = nodes.map((): DayTally => ({ day: label, registrations: 0, resolutionsAsked: 0, crossNodeAsked: 0, servedForOthers: 0, failures: 0, registrationMs: 0, resolutionMs: 0 }));
    await Promise.all(
      nodes.map(async (node, i) => {
        const began = Date.now();
        const batches = chunks(registrationsOf(spec, i, day), options.batchSize);
        await pool(batches, Math.max(1, Math.floor(options.concurrency / 4)), async (items) => {
          try {
            const answer = await expectJson(`${node.url}/api/v1/handles/batch`, 200, { method: 'POST', authorization: basicAuth(node.enterprise.id, node.enterprise.secret), json: { items } });
            tallies[i]!.registrations += answer.summary.created;
            const refused = items.length - answer.summary.created;
            if (refused > 0) {
              tallies[i]!.failures += refused;
              fail(`node ${i + 1} day ${label}: ${refused} of a batch of ${items.length} not created: ${JSON.stringify(answer.summary.failures.slice(0, 2))}`);
            }
          } catch (error) {
            tallies[i]!.failures += items.length;
            fail(`node ${i + 1} day ${label}: ${(error as Error).message}`);
          }
        });
        tallies[i]!.registrationMs = Date.now() - began;
      }),
    );
    await Promise.all(
      nodes.map(async (node, i) => {
        const began = Date.now();
        // A node joins identical lookups in flight to another node into one remote request: one at a time per
        // identifier keeps every cross-node resolution one request at its home node, so its count is exact.
        const crossInFlight = new Map<string, Promise<void>>();
        await pool(resolutionsOf(spec, i, day), options.concurrency, async (resolution) => {
          let done = (): void => undefined;
          if (resolution.home !== i) {
            for (let running = crossInFlight.get(resolution.handle); running !== undefined; running = crossInFlight.get(resolution.handle)) await running;
            crossInFlight.set(resolution.handle, new Promise<void>((resolve) => (done = resolve)));
          }
          try {
            const answer = await withRetries(() => fetch(`${node.url}/api/handles/${resolution.handle}`, { signal: AbortSignal.timeout(30_000) }));
            const text = await answer.text();
            if (answer.status !== 200) throw new Error(`GET ${resolution.handle} at node ${i + 1} answered ${answer.status}: ${text.slice(0, 200)}`);
            tallies[i]!.resolutionsAsked++;
            if (resolution.home !== i) {
              tallies[i]!.crossNodeAsked++;
              tallies[resolution.home]!.servedForOthers++;
            }
          } catch (error) {
            tallies[i]!.failures++;
            fail(`day ${label}: ${(error as Error).message}`);
          } finally {
            if (resolution.home !== i) {
              crossInFlight.delete(resolution.handle);
              done();
            }
          }
        });
        tallies[i]!.resolutionMs = Date.now() - began;
      }),
    );
    if (Date.now() > realInstantOf(clock, startMs + DAY_MS)) overruns.push(label);
    tallies.forEach((tally, i) => days[i]!.push(tally));
  }
  const now = clock.startMs + (Date.now() - clock.realStartMs) * clock.rate;
  const lastActiveDay = meteringDayLabel(options.firstDayStartMs + Math.floor((now - options.firstDayStartMs) / DAY_MS) * DAY_MS);
  return { days, overruns, firstFailures, lastActiveDay };
}

/** The metering day (Asia/Shanghai, UTC+8 all year) that begins at the simulated instant `startMs`. */
export function meteringDayLabel(startMs: number): string {
  return new Date(startMs + 8 * 3_600_000).toISOString().slice(0, 10);
}

function* chunks(items: readonly WireItem[], size: number): Generator<WireItem[]> {
  for (let at = 0; at < items.length; at += size) yield items.slice(at, at + size);
}
