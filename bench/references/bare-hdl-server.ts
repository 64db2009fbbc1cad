/**
 * The Handle-protocol resolution ceiling: a bare node:dgram + node:net server on one port (UDP and TCP) that
 * answers every request with one precomputed answer, its request id replaced by the request's, with nothing
 * else on the path (no decoding, resolution, metering or encoding).
 *
 *   --answer HEX       the answer (envelope included): the bytes idnode answered the same request with
 *   --ready-file FILE  written {"hdl": "127.0.0.1:PORT"} once both listen on 127.0.0.1 at a port the OS chose
 *
 * Run compiled (bench/lib/reference-build.ts), never under tsx.
 */
import { createSocket } from 'node:dgram';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { REQUEST_ID_OFFSET } from '../../src/hdl/client/envelope-fields.js';
import { MessageFramer } from '../../src/hdl/client/message-framer.js';

const { values: args } = parseArgs({ options: { answer: { type: 'string' }, 'ready-file': { type: 'string' } } });
const answer = Buffer.from(args.answer ?? '', 'hex');
const id = REQUEST_ID_OFFSET;

/** The answer to `request`: a copy of the precomputed one with the request's id. */
function answerTo(request: Buffer, target: Buffer, offset: number): void {
  answer.copy(target, offset);
  request.copy(target, offset + id, id, id + 4);
}

const tcp = createServer((socket) => {
  const framer = new MessageFramer(1 << 20);
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    // Every request of the chunk answered in one write, as a pipelined stream allows.
    const requests: Buffer[] = [];
    framer.push(chunk, (request) => requests.push(request));
    if (requests.length === 0) return;
    const out = Buffer.allocUnsafe(requests.length * answer.length);
    for (let i = 0; i < requests.length; i++) answerTo(requests[i]!, out, i * answer.length);
    socket.write(out);
  });
});

tcp.listen(0, '127.0.0.1', () => {
  const port = (tcp.address() as AddressInfo).port;
  const udp = createSocket('udp4');
  udp.on('message', (request, from) => {
    const out = Buffer.allocUnsafe(answer.length);
    answerTo(request, out, 0);
    udp.send(out, from.port, from.address);
  });
  udp.bind(port, '127.0.0.1', () => {
    const readyFile = args['ready-file'];
    if (readyFile !== undefined) {
      writeFileSync(`${readyFile}.tmp`, JSON.stringify({ hdl: `127.0.0.1:${port}` }));
      renameSync(`${readyFile}.tmp`, readyFile);
    }
  });
  const stop = () => {
    udp.close();
    tcp.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
});
