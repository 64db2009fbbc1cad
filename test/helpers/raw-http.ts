import { connect, type Socket } from 'node:net';

/** The first HTTP response read back from a raw exchange; `undefined` fields when nothing (or no full head) came. */
export interface RawReply {
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The raw bytes received (all of them, maybe more than one response). */
  readonly raw: Buffer;
}

/**
 * Writes `bytes` to 127.0.0.1:port over a fresh TCP connection and reads until the server closes the
 * connection, a whole response (head + Content-Length body) has come, or `timeoutMs` passed. `end`: half-close
 * after writing (default false: Node's HTTP server drops a half-closed connection without answering). Never rejects.
 */
export function rawExchange(port: number, bytes: string | Buffer, options: { end?: boolean; timeoutMs?: number } = {}): Promise<RawReply> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseReply(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (isComplete(Buffer.concat(chunks))) finish();
    });
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(bytes, () => {
      if (options.end ?? false) socket.end();
    });
  });
}

/** A connection kept open for a test to write to step by step. */
export function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once the socket is closed (by either side). */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

function isComplete(bytes: Buffer): boolean {
  const head = bytes.indexOf('\r\n\r\n');
  if (head < 0) return false;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(bytes.subarray(0, head).toString('latin1'))?.[1];
  return length !== undefined && bytes.length >= head + 4 + Number(length);
}

export function parseReply(raw: Buffer): RawReply {
  const head = raw.indexOf('\r\n\r\n');
  if (head < 0) return { status: undefined, headers: {}, body: '', raw };
  const [statusLine, ...lines] = raw.subarray(0, head).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1];
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = headers['content-length'];
  const rest = raw.subarray(head + 4);
  const body = (length === undefined ? rest : rest.subarray(0, Number(length))).toString('utf8');
  return { status: status === undefined ? undefined : Number(status), headers, body, raw };
}
