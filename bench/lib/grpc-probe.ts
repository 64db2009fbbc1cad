import { connect } from 'node:http2';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { decodeResolveResponse, grpcMessages, resolveRequestFrame, RESOLVE_PATH } from './grpc-frame.js';

/** What one raw gRPC call returned: the HTTP status, the grpc-status (headers or trailers) and the body. */
export interface GrpcProbe {
  readonly httpStatus: number;
  /** undefined when the server sent none (not a gRPC answer). */
  readonly grpcStatus: number | undefined;
  readonly grpcMessage: string | undefined;
  readonly body: Buffer;
}

/**
 * Sends `requestFrame` to `path` over one plain HTTP/2 connection, with exactly the headers a non-gRPC
 * generator sends (GRPC_HEADERS), and returns what came back. Throws on a connection error or after `timeoutMs`.
 */
export function probeGrpc(address: string, path: string, requestFrame: Buffer, timeoutMs = 10_000): Promise<GrpcProbe> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://${address}`);
    const fail = (error: Error) => {
      session.destroy();
      reject(new IdnodeError('INTERNAL_ERROR', `the gRPC probe of ${address}${path} failed: ${error.message}`, { cause: error }));
    };
    session.on('error', fail);
    session.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs} ms`)));
    const stream = session.request({ ':method': 'POST', ':path': path, ...GRPC_HEADERS });
    const chunks: Buffer[] = [];
    let httpStatus = 0;
    let grpcStatus: string | undefined;
    let grpcMessage: string | undefined;
    const take = (headers: Record<string, unknown>) => {
      if (headers['grpc-status'] !== undefined) grpcStatus = String(headers['grpc-status']);
      if (headers['grpc-message'] !== undefined) grpcMessage = decodeURIComponent(String(headers['grpc-message']));
    };
    stream.on('response', (headers) => {
      httpStatus = Number(headers[':status']);
      take(headers);
    });
    stream.on('trailers', take);
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('error', fail);
    stream.on('end', () => {
      session.close();
      resolve({ httpStatus, grpcStatus: grpcStatus === undefined ? undefined : Number(grpcStatus), grpcMessage, body: Buffer.concat(chunks) });
    });
    stream.end(requestFrame);
  });
}

/** The headers of a gRPC call that carries no metadata (anonymous resolution needs none). */
export const GRPC_HEADERS: Readonly<Record<string, string>> = { 'content-type': 'application/grpc', te: 'trailers' };

/**
 * Resolves `handle` once through `address` as a generator will, and checks that the answer is a real
 * resolution: grpc-status 0, one message naming the handle with at least one value and response code 1.
 * Returns the size of that answer's body (prefix included), which every later identical call must match.
 */
export async function probeResolution(address: string, handle: string): Promise<number> {
  const probe = await probeGrpc(address, RESOLVE_PATH, resolveRequestFrame(handle));
  const where = `Resolve(${handle}) at ${address}`;
  if (probe.httpStatus !== 200 || probe.grpcStatus !== 0) {
    throw new IdnodeError('INTERNAL_ERROR', `${where} answered HTTP ${probe.httpStatus}, grpc-status ${probe.grpcStatus ?? 'none'} (${probe.grpcMessage ?? 'no message'})`);
  }
  const messages = grpcMessages(probe.body);
  const answer = messages.length === 1 ? decodeResolveResponse(messages[0]!) : undefined;
  if (answer === undefined || answer.handle !== handle || answer.values.length === 0 || answer.responseCode !== 1) {
    throw new IdnodeError('INTERNAL_ERROR', `${where} is not a resolution of it: ${messages.length} message(s), ${JSON.stringify(answer)?.slice(0, 200)}`);
  }
  return probe.body.length;
}
