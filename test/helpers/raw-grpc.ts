import { connect, constants, type ClientHttp2Session } from 'node:http2';

/** What a raw gRPC exchange ended with: the grpc-status and the catalogue code of the trailers (or headers, trailers-only). */
export interface RawGrpcOutcome {
  /** `undefined`: the stream ended without a status (reset, or the timeout). */
  readonly grpcStatus: number | undefined;
  readonly code: string | undefined;
  readonly message: string | undefined;
}

/** A gRPC frame: compressed flag, 4-byte big-endian length, payload (the length given, or the payload's). */
export function grpcFrame(payload: Buffer, options: { compressed?: boolean; length?: number } = {}): Buffer {
  const head = Buffer.alloc(5);
  head[0] = options.compressed ? 1 : 0;
  head.writeUInt32BE((options.length ?? payload.length) >>> 0, 1);
  return Buffer.concat([head, payload]);
}

/** An HTTP/2 session to a gRPC address host:port (plain). */
export function grpcSession(address: string): ClientHttp2Session {
  const session = connect(`http://${address}`);
  session.on('error', () => {});
  return session;
}

/**
 * Sends `body` (already framed: grpcFrame) as one call to `path` over `session` and half-closes; never
 * rejects: a reset or a timeout is an outcome without a status.
 */
export function rawCall(session: ClientHttp2Session, path: string, body: Buffer, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<RawGrpcOutcome> {
  return new Promise((resolve) => {
    let outcome: RawGrpcOutcome = { grpcStatus: undefined, code: undefined, message: undefined };
    const take = (fields: Record<string, unknown>) => {
      const status = fields['grpc-status'];
      if (status !== undefined) {
        outcome = {
          grpcStatus: Number(status),
          code: fields['idnode-error-code'] as string | undefined,
          message: fields['grpc-message'] === undefined ? undefined : decodeURIComponent(String(fields['grpc-message'])),
        };
      }
    };
    let stream;
    try {
      stream = session.request({
        [constants.HTTP2_HEADER_METHOD]: 'POST',
        [constants.HTTP2_HEADER_PATH]: path,
        'content-type': 'application/grpc',
        te: 'trailers',
        ...headers,
      });
    } catch {
      return resolve(outcome);
    }
    const timer = setTimeout(() => stream.close(constants.NGHTTP2_CANCEL), timeoutMs);
    stream.on('response', take);
    stream.on('trailers', take);
    stream.on('data', () => {});
    stream.on('error', () => {});
    stream.on('close', () => {
      clearTimeout(timer);
      resolve(outcome);
    });
    stream.end(body);
  });
}
