import { setTimeout as sleep } from 'node:timers/promises';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import type { Figures } from '../../src/core/metering/figures.js';
import { openStore } from '../../src/store/open-store.js';
import { seededRandom } from './random.js';
import { basicAuth, BENCH_PREFIX, clientValues, HANDLE_PATH, seededHandle } from './workload.js';

export type { Figures };

interface Credential {
  readonly id: string;
  readonly secret: string;
}

/** The node's metered figures for the bench prefix over [from, to], from its metering API (flushed counts). */
export async function meteredFigures(url: string, auditor: Credential, from: string, to = from, byProtocol = false): Promise<{ totals: Figures; rows: (Figures & { protocol?: string })[] }> {
  const query = `from=${from}&to=${to}&prefix=${encodeURIComponent(BENCH_PREFIX)}${byProtocol ? '&by=protocol' : ''}`;
  let response = await fetch(`${url}/api/v1/metering/daily?${query}`, { headers: { authorization: basicAuth(auditor.id, auditor.secret) } });
  // A node still draining the load sheds with 503 NODE_BUSY: asked again, a few times.
  for (let retry = 0; response.status === 503 && retry < 10; retry++) {
    await response.arrayBuffer();
    await sleep(1000);
    response = await fetch(`${url}/api/v1/metering/daily?${query}`, { headers: { authorization: basicAuth(auditor.id, auditor.secret) } });
  }
  if (response.status !== 200) throw new IdnodeError('INTERNAL_ERROR', `the metering API answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as { totals: Figures; rows: (Figures & { protocol?: string })[] };
}

/**
 * The day's figures once every process has flushed: read until two readings 1.5 s apart agree (the flush
 * interval is 1 s). Throws after 30 s of change.
 */
export async function settledFigures(url: string, auditor: Credential, day: string): Promise<Figures> {
  let last = (await meteredFigures(url, auditor, day)).totals;
  for (const started = Date.now(); Date.now() - started < 30_000; ) {
    await sleep(1500);
    const now = (await meteredFigures(url, auditor, day)).totals;
    if (JSON.stringify(now) === JSON.stringify(last)) return now;
    last = now;
  }
  throw new IdnodeError('INTERNAL_ERROR', 'the metered figures kept changing for 30 s with no load');
}

/**
 * Checks the node serves the seeded identifiers as registered: the first, the last and eight drawn ones answer
 * 200 with their handle, URL, product model and HS_ADMIN; one never seeded answers 404; the seeding day's
 * registrations (protocol bench-seed) number the population. Throws on the first difference.
 */
export async function checkSeededServing(url: string, auditor: Credential, population: number, seedDay: string): Promise<void> {
  const random = seededRandom(77);
  const probes = [0, population - 1, ...Array.from({ length: 8 }, () => Math.floor(random() * population))];
  for (const i of probes) {
    const handle = seededHandle(i);
    const response = await fetch(`${url}${HANDLE_PATH}${handle}`);
    const body = (await response.json()) as { handle?: string; values?: { type: string; data: { value: unknown } }[] };
    const [urlValue, model] = clientValues(i);
    const typed = (type: string) => body.values?.find((value) => value.type === type)?.data.value;
    if (response.status !== 200 || body.handle !== handle || typed('URL') !== urlValue!.data || typed('product.model') !== model!.data || typed('HS_ADMIN') === undefined) {
      throw new IdnodeError('INTERNAL_ERROR', `the seeded ${handle} is served wrong (${response.status}): ${JSON.stringify(body).slice(0, 400)}`);
    }
  }
  const absent = await fetch(`${url}${HANDLE_PATH}${seededHandle(population)}`);
  await absent.arrayBuffer();
  if (absent.status !== 404) throw new IdnodeError('INTERNAL_ERROR', `${seededHandle(population)} was never seeded but answered ${absent.status}`);
  const { rows } = await meteredFigures(url, auditor, seedDay, seedDay, true);
  const registrations = rows.filter((row) => row.protocol === 'bench-seed').reduce((sum, row) => sum + row.registrations, 0);
  if (registrations !== population) throw new IdnodeError('INTERNAL_ERROR', `the node metered ${registrations} seeded registrations on ${seedDay}, not ${population}`);
}

/** The day's metered resolutions of the bench prefix as the store holds them (read with no node running). */
export async function storeResolutions(dataDir: string, day: string): Promise<number> {
  const store = await openStore({ store: 'sqlite', dataDir });
  try {
    return (await store.listCounters(day, day)).filter((row) => row.prefix === BENCH_PREFIX && row.kind.startsWith('resolution.')).reduce((sum, row) => sum + row.count, 0);
  } finally {
    await store.close();
  }
}
