import { readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';
import type { Config } from '../config/config.js';
import { systemRandom } from '../core/clock/clock.js';
import { IdnodeError } from '../core/errors/catalogue.js';
import { TopLevel } from '../core/top/top-level.js';
import { loadConfiguredPolicies } from '../policies/load-policies.js';
import { listeningUrl } from '../rest/listening-url.js';
import { configuredClock } from '../runtime/system-runtime.js';
import { openSqliteTopStore } from '../store/top/sqlite-top-store.js';
import type { CliIo } from './cli-io.js';
import { runServer } from './run-server.js';

/** The top-level node as the CLI opens it: its store in the data directory and the default policy's counted kinds. */
export function openTopLevel(config: Pick<Config, 'dataDir' | 'policyDir' | 'defaultPolicy' | 'clock'>, clock = configuredClock(config.clock)): { top: TopLevel; close: () => Promise<void> } {
  const store = openSqliteTopStore(config.dataDir);
  const counted = loadConfiguredPolicies(config).get(undefined).countedResolutionKinds;
  return { top: new TopLevel(store, clock, systemRandom, counted), close: () => store.close() };
}

/**
 * Runs the simulated national top-level node until SIGTERM or SIGINT, with serve's lifecycle (runServer): its
 * store (`<data-dir>/top.sqlite`), the REST API on http-port and the gRPC service idnode.v1.TopLevel on
 * grpc-port (each "off" to turn it off), the same host, TLS, log, clock and ready-file settings. Each
 * listener's module (fastify, grpc-js) is imported only when its port is on.
 */
export function top(config: Config, io: CliIo, signals: EventEmitter = process): Promise<number> {
  return runServer('idnode top', config, io, signals, async (logger, closers) => {
    if (config.httpPort === 'off' && config.grpcPort === 'off') {
      throw new IdnodeError('CONFIG_INVALID', 'http-port and grpc-port are both off: the top-level node would serve nothing; turn one on');
    }
    const tls = config.tls === undefined ? undefined : { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
    const clock = configuredClock(config.clock);
    if (clock.simulation) logger.warn({ clockStart: new Date(clock.simulation.startMs).toISOString(), clockRate: clock.simulation.rate }, 'the top-level node runs on a SET CLOCK (simulation)');
    const opened = openTopLevel(config, clock);
    closers.push({ name: 'store', close: opened.close });
    const addresses: Record<string, string> = {};
    if (config.httpPort !== 'off') {
      const { buildTopServer } = await import('../top/top-server.js');
      const app = await buildTopServer(opened.top, { logger, clock, bodyLimitBytes: config.limits.bodyLimitBytes, ...(tls === undefined ? {} : { tls }) });
      closers.push({ name: 'http', close: () => app.close() });
      await app.listen({ host: config.host, port: config.httpPort });
      addresses['http'] = listeningUrl(app.server.address(), tls !== undefined);
    }
    if (config.grpcPort !== 'off') {
      const { listenTopGrpc } = await import('../top/top-grpc.js');
      const grpc = await listenTopGrpc(opened.top, logger, config.host, config.grpcPort, tls);
      closers.push({ name: 'grpc', close: () => new Promise<void>((resolve) => grpc.server.tryShutdown(() => resolve())) });
      addresses['grpc'] = `${config.host.includes(':') ? `[${config.host}]` : config.host}:${grpc.port}`;
    }
    return addresses;
  });
}
