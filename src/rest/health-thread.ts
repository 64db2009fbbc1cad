import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { IdnodeError } from '../core/errors/catalogue.js';
import { errorBody, JSON_CONTENT_TYPE } from './framing.js';
import { HTTP_STATUS } from './http-status.js';
import type { HealthThreadData, HealthThreadMessage } from './health-listener.js';

/**
 * The health listener's thread (health-listener.ts): an HTTP server on an event loop of its own, whose only
 * work is probes, so it accepts a new connection at once however long the request loop's turns are (libuv
 * accepts one connection per loop turn: docs/overload.md, "Health under overload").
 *
 * GET or HEAD /healthz: 200 {"status":"ok"} while the request loop's heartbeat is younger than stallMs; 503
 * NODE_BUSY once it is older (a loop that has not turned for that long is stuck, not busy). Anything else: the
 * catalogue's ROUTE_NOT_FOUND, or REQUEST_INVALID for a request Node cannot parse. Nothing is logged here
 * (the thread has no logger, and a probe every second would flood one).
 */
const data = workerData as HealthThreadData;
const beat = new BigInt64Array(data.heartbeat);
const LIVE = Buffer.from(JSON.stringify({ status: 'ok' }));
const rendered = (error: IdnodeError) => ({ status: HTTP_STATUS[error.code], json: Buffer.from(JSON.stringify(errorBody(error))) });
const STALLED = rendered(new IdnodeError('NODE_BUSY', `the node's request loop has not turned for over ${data.stallMs} ms`));
const NOT_FOUND = rendered(new IdnodeError('ROUTE_NOT_FOUND', 'the health port answers GET /healthz only'));
const INVALID = rendered(new IdnodeError('REQUEST_INVALID', 'the request is not valid HTTP/1.1'));

const server = createServer({ headersTimeout: data.headersMs, requestTimeout: data.headersMs, keepAliveTimeout: data.keepAliveMs, requireHostHeader: false }, (request, response) => {
  const path = (request.url ?? '').split('?')[0];
  const { status, json } =
    path !== '/healthz' || (request.method !== 'GET' && request.method !== 'HEAD')
      ? NOT_FOUND
      : Number(process.hrtime.bigint() / 1_000_000n - Atomics.load(beat, 0)) > data.stallMs
        ? STALLED
        : { status: 200, json: LIVE };
  response.writeHead(status, { 'content-type': JSON_CONTENT_TYPE, 'content-length': json.length, ...(status === 503 ? { 'retry-after': '1' } : {}) });
  response.end(json);
});
server.maxConnections = data.maxConnections;
server.setTimeout(data.idleMs);
server.on('clientError', (_error, socket: Socket) => {
  if (socket.writable && socket.bytesWritten === 0) {
    socket.end(`HTTP/1.1 ${INVALID.status} Bad Request\r\nContent-Type: ${JSON_CONTENT_TYPE}\r\nContent-Length: ${INVALID.json.length}\r\nConnection: close\r\n\r\n${INVALID.json.toString()}`);
  }
  socket.destroy();
});
server.once('error', (error) => post({ type: 'error', message: error.message }));
// exclusive: bound by this thread itself, never handed to a cluster primary (serve --workers), whose
// hand-off would go through the worker's busy main loop.
server.listen({ host: data.host, port: data.port, exclusive: true }, () => post({ type: 'listening', address: server.address() as AddressInfo }));

function post(message: HealthThreadMessage): void {
  parentPort!.postMessage(message);
}
