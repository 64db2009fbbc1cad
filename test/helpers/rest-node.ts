import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { systemClock, systemRandom, type Clock, type Random } from '../../src/core/clock/clock.js';
import { ManualScheduler } from '../../src/core/clock/manual-scheduler.js';
import { firstRun, type FirstRunCredentials } from '../../src/core/first-run.js';
import { IdNode, type CoreConfig } from '../../src/core/node.js';
import type { Store } from '../../src/core/store/store.js';
import { buildRestServer, type RestOptions } from '../../src/rest/server.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { virtualRuntime } from './virtual-runtime.js';

export const TEST_CORE_CONFIG: CoreConfig = {
  nodePrefixes: ['88.999'],
  timeZone: 'Asia/Shanghai',
  cache: { maxEntries: 10000, maxBytes: 64 * 1024 * 1024, maxTtlSeconds: 86400, notFoundTtlSeconds: 5 },
  limits: { maxValues: 1000, maxDataBytes: 65536 },
  meteringFlushIntervalMs: 1000,
};

export interface RestNode {
  readonly url: string;
  readonly node: IdNode;
  readonly store: Store;
  readonly app: FastifyInstance;
  readonly credentials: FirstRunCredentials;
  readonly dataFile: string;
  /** The node's monotonic clock and scheduler: metering flushes, ledger sealing and cache expiry wait for its advance. */
  readonly time: ManualScheduler;
  close(): Promise<void>;
}

export interface RestNodeOptions {
  readonly dir: string;
  readonly config?: Partial<CoreConfig>;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Virtual time for the node (default a fresh ManualScheduler). */
  readonly time?: ManualScheduler;
  readonly bodyLimitBytes?: number;
  readonly batchBodyLimitBytes?: number;
  readonly allowRemoteCredentialsOverHttp?: boolean;
  /** The REST server's logger (default: silent). */
  readonly restLogger?: Logger;
  /** The store (closed with the node); default a SQLite file in `dir`. */
  readonly store?: Store;
  /** More of the REST server's options (connection limits, admission, the fast lane). */
  readonly rest?: Pick<RestOptions, 'connections' | 'admission' | 'fastLane'>;
}

/** A real node on a real SQLite file, serving REST on 127.0.0.1 at a port chosen by the OS. */
export async function startRestNode(options: RestNodeOptions): Promise<RestNode> {
  const dataFile = join(options.dir, 'idnode.sqlite');
  const store = options.store ?? openSqliteStore({ file: dataFile });
  const time = options.time ?? new ManualScheduler();
  const node = await IdNode.create(
    { ...TEST_CORE_CONFIG, ...options.config },
    {
      store,
      clock: options.clock ?? systemClock,
      random: options.random ?? systemRandom,
      logger: pino({ level: 'silent' }),
      ...virtualRuntime(time),
    },
  );
  const credentials = (await firstRun(node))!;
  const app = await buildRestServer(node, {
    logger: options.restLogger ?? pino({ level: 'silent' }),
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    batchBodyLimitBytes: options.batchBodyLimitBytes ?? 8 * 1024 * 1024,
    allowRemoteCredentialsOverHttp: options.allowRemoteCredentialsOverHttp ?? false,
    ...options.rest,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    node,
    store,
    app,
    credentials,
    dataFile,
    time,
    async close() {
      await app.close();
      await node.close();
      await store.close();
    },
  };
}

/** Basic credentials for an identity, with the identity's colon percent-encoded as HANDLE.NET clients do. */
export function basic(id: string, secret: string, encodeColon = true): string {
  const user = encodeColon ? id.replace(':', '%3A') : id;
  return 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
}
