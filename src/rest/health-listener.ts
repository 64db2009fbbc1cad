import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { IdnodeError } from '../core/errors/catalogue.js';
import type { FrontEnd } from '../frontend/front-end.js';
import { startModuleThread } from '../runtime/module-thread.js';
import { listeningUrl } from './listening-url.js';

/** The thread's entry beside this module: compiled (.js), or as source (.ts) when run from TypeScript (startModuleThread). */
const THREAD_ENTRY = new URL(`./health-thread${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A request loop that has not turned for this long is stuck, not busy: the health port answers 503 then. */
export const HEALTH_STALL_MS = 10_000;

/** How often the request loop writes its heartbeat. */
const HEARTBEAT_MS = 100;

/** What the thread is started with (workerData). */
export interface HealthThreadData {
  readonly host: string;
  readonly port: number;
  /** 8 bytes: the request loop's last turn, ms of the monotonic clock (process.hrtime), written with Atomics. */
  readonly heartbeat: SharedArrayBuffer;
  readonly stallMs: number;
  readonly maxConnections: number;
  readonly headersMs: number;
  readonly idleMs: number;
  readonly keepAliveMs: number;
}

/** What the thread tells the request loop, once. */
export type HealthThreadMessage = { readonly type: 'listening'; readonly address: AddressInfo } | { readonly type: 'error'; readonly message: string };

export interface HealthListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly headersMs: number;
  readonly idleMs: number;
  readonly keepAliveMs: number;
  /** Default HEALTH_STALL_MS. */
  readonly stallMs?: number;
  /**
   * Default true. False: the heartbeat is never written (tests: a request loop that never turns, as a stuck
   * one looks to the thread).
   */
  readonly heartbeat?: boolean;
}

/**
 * The health listener (setting health-port), as a list member ("health"): `GET /healthz` on a port of its own,
 * answered by a thread with its own event loop (health-thread.ts). Why a thread: libuv accepts one new
 * connection per turn of an event loop, and under overload the request loop's turns are long and its accept
 * queue holds hundreds of connections, so a probe on a new connection to the API's port waits seconds behind
 * them (docs/overload.md, "Health under overload"); the thread's loop does nothing else and accepts at once.
 * Liveness still means the request loop: it writes a heartbeat every HEARTBEAT_MS, and the thread answers 503
 * once that is older than stallMs. Plain HTTP (probes carry no secrets), never shed, not in the Handle site.
 */
export function healthListener(options: HealthListenerOptions): FrontEnd {
  let worker: Worker | undefined;
  let beating: ReturnType<typeof setInterval> | undefined;
  return {
    name: 'health',
    async listen() {
      const heartbeat = new SharedArrayBuffer(8);
      const beat = new BigInt64Array(heartbeat);
      const write = () => Atomics.store(beat, 0, process.hrtime.bigint() / 1_000_000n);
      write();
      if (options.heartbeat !== false) {
        beating = setInterval(write, HEARTBEAT_MS);
        beating.unref();
      }
      const data: HealthThreadData = { ...options, heartbeat, stallMs: options.stallMs ?? HEALTH_STALL_MS };
      // Run from source, the thread imports the compiled build when fresh (no TypeScript loader in the thread).
      const thread = startModuleThread(THREAD_ENTRY, data);
      worker = thread;
      const message = await new Promise<HealthThreadMessage>((resolve, reject) => {
        thread.once('message', resolve);
        thread.once('error', reject);
        thread.once('exit', (code) => reject(new Error(`the health listener's thread ended before it listened (exit code ${code})`)));
      });
      if (message.type === 'error') throw new IdnodeError('CONFIG_INVALID', `health-port ${options.port} on ${options.host}: ${message.message}`);
      // The thread keeps nothing alive: the node's other listeners and closers decide when the process ends.
      thread.unref();
      return listeningUrl(message.address, false);
    },
    async close() {
      clearInterval(beating);
      await worker?.terminate();
      worker = undefined;
    },
  };
}
