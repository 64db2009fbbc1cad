/**
 * The gRPC resolution ceiling: a bare @grpc/grpc-js server implementing idnode.v1.Resolver/Resolve (the
 * project's own proto) from a Map of ready response messages, with nothing else on the path (no
 * authentication, parsing, metering or cache bookkeeping).
 *
 *   --answers-from FILE  the idnode SQLite file answers come from: each identifier is read and converted
 *                        to its message on first ask, then answered from the Map (grpc-resolve asks one
 *                        identifier, first in a check before measuring, so measured calls are Map
 *                        lookups only: a fixed message)
 *   --ready-file FILE    written {"grpc": "127.0.0.1:PORT"} once bound on 127.0.0.1 at a port the OS chose
 *
 * Run compiled (bench/lib/reference-build.ts), never under tsx.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition } from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import type { HandleValue } from '../../src/core/values/handle-value.js';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';
import { valueMessagesOf } from '../../src/grpc/value-messages.js';

const { values: args } = parseArgs({ options: { 'answers-from': { type: 'string' }, 'ready-file': { type: 'string' } } });

type Answer = { handle: string; values: unknown[]; responseCode: number } | null;
const answers = new Map<string, Answer>();
const db = args['answers-from'] === undefined ? undefined : new Database(args['answers-from'], { readonly: true });
const read = db?.prepare<[string], { values_json: string }>('SELECT values_json FROM handles WHERE handle = ?');

function answerOf(handle: string): Answer {
  let answer = answers.get(handle);
  if (answer === undefined) {
    const row = read?.get(handle);
    const values = row === undefined ? undefined : (JSON.parse(row.values_json) as HandleValue[]).filter((value) => value.permissions[2] === '1');
    answer = values === undefined ? null : { handle, values: valueMessagesOf(values), responseCode: 1 };
    answers.set(handle, answer);
  }
  return answer;
}

const server = new Server();
server.addService(idnodePackageDefinition()['idnode.v1.Resolver'] as ServiceDefinition, {
  Resolve: (call: ServerUnaryCall<{ handle: string }, unknown>, callback: sendUnaryData<unknown>) => {
    const answer = answerOf(call.request.handle);
    if (answer !== null) callback(null, answer);
    else callback({ code: status.NOT_FOUND, details: `${call.request.handle} does not exist` });
  },
});

server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  const readyFile = args['ready-file'];
  if (readyFile !== undefined) {
    writeFileSync(`${readyFile}.tmp`, JSON.stringify({ grpc: `127.0.0.1:${port}` }));
    renameSync(`${readyFile}.tmp`, readyFile);
  }
});

const stop = () => server.tryShutdown(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
