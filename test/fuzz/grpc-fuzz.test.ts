import t from 'tap';
import { CATALOGUE, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { GRPC_STATUS } from '../../src/grpc/grpc-status.js';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { authMetadata } from '../helpers/grpc-client.js';
import { mutate, pool } from '../helpers/mutate.js';
import { prng } from '../helpers/prng.js';
import { grpcFrame, grpcSession, rawCall } from '../helpers/raw-grpc.js';

// Issue 17, the gRPC fuzz suite: ≥ 10,000 mutated length-prefixed messages over raw HTTP/2 (node:http2),
// seeded and reproducible (IDNODE_FUZZ_SEED), while the process stays alive, its memory bounded, every
// failed call ends with a catalogue code whose gRPC status it is (never INTERNAL) and nothing is stored
// from a refused write.

const SEED = Number(process.env.IDNODE_FUZZ_SEED ?? 17);
const CALLS = 10_000;
const SESSIONS = 4;
const CONCURRENCY = 64;
const RSS_GROWTH_LIMIT = 256 * 1024 * 1024;

type Serializer = { requestSerialize(value: object): Buffer };
const definition = idnodePackageDefinition();
const method = (service: string, name: string) => (definition[`idnode.v1.${service}`] as Record<string, Serializer>)[name]!;

t.test(`${CALLS} mutated gRPC messages (seed ${SEED})`, async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const sessions = Array.from({ length: SESSIONS }, () => grpcSession(both.grpcAddress));
  t.teardown(() => sessions.forEach((session) => session.close()));
  const { id, secret } = both.credentials.demoEnterprise;
  const authorization = String(authMetadata(id, secret).get('authorization')[0]);
  const values = [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.com/' } }];
  /** The seed calls; each writes (if it writes) the one identifier it names. */
  const seeds: { path: string; auth: boolean; message: (handle: string) => Buffer }[] = [
    { path: '/idnode.v1.Resolver/Resolve', auth: false, message: (handle) => method('Resolver', 'Resolve').requestSerialize({ handle, types: ['URL'], indexes: [1] }) },
    { path: '/idnode.v1.Registry/Create', auth: true, message: (handle) => method('Registry', 'Create').requestSerialize({ handle, values }) },
    { path: '/idnode.v1.Registry/Update', auth: true, message: (handle) => method('Registry', 'Update').requestSerialize({ handle, values, indexes: [1] }) },
    { path: '/idnode.v1.Registry/RegisterBatch', auth: true, message: (handle) => method('Registry', 'RegisterBatch').requestSerialize({ items: [{ handle, values }], overwrite: false }) },
    { path: '/idnode.v1.Registry/BulkRegister', auth: true, message: (handle) => method('Registry', 'BulkRegister').requestSerialize({ items: [{ handle, values }], overwrite: false }) },
    { path: '/idnode.v1.Registry/Delete', auth: true, message: (handle) => method('Registry', 'Delete').requestSerialize({ handle }) },
    { path: '/idnode.v1.Registry/Create', auth: false, message: (handle) => method('Registry', 'Create').requestSerialize({ handle, values }) },
  ];
  const random = prng(SEED);
  const calls = Array.from({ length: CALLS }, (_, i) => {
    const token = `gz${i}x${Math.floor(random() * 2 ** 32).toString(36)}`;
    const seed = seeds[i % seeds.length]!;
    const payload = mutate(seed.message(`88.999.DEMO/${token}`), random);
    // One call in eight also gets a mutated frame header: a wrong length, or the compressed flag.
    const roll = random();
    const frame =
      roll < 0.0625
        ? grpcFrame(payload, { length: Math.floor(random() * (payload.length * 2 + 8)) })
        : roll < 0.125
          ? grpcFrame(payload, { compressed: true })
          : grpcFrame(payload);
    return { token, seed, frame };
  });

  const rssBefore = process.memoryUsage().rss;
  const refused: string[] = [];
  const problems: string[] = [];
  await pool(CALLS, CONCURRENCY, async (i) => {
    const { token, seed, frame } = calls[i]!;
    const outcome = await rawCall(sessions[i % SESSIONS]!, seed.path, frame, seed.auth ? { authorization } : {});
    if (outcome.grpcStatus === undefined) {
      problems.push(`#${i}: no status`);
      return;
    }
    if (outcome.grpcStatus === 0) return;
    refused.push(token);
    const code = outcome.code as ErrorCode | undefined;
    if (code === undefined || !Object.hasOwn(CATALOGUE, code)) problems.push(`#${i}: status ${outcome.grpcStatus} without a catalogue code: ${outcome.message}`);
    else if (GRPC_STATUS[code] !== outcome.grpcStatus) problems.push(`#${i}: ${code} with status ${outcome.grpcStatus}`);
    else if (CATALOGUE[code].class === 'server') problems.push(`#${i}: a server error (${code}): ${outcome.message}`);
  });
  t.same(problems.slice(0, 20), [], 'every call ended with OK or a catalogue code of a client or retry-later class');

  const alive = await both.clients.unary(both.clients.resolver, 'Resolve', { handle: '88.999.DEMO/none' });
  t.match(alive, { ok: false, code: 'HANDLE_NOT_FOUND' }, 'the node is alive and answers');
  const growth = process.memoryUsage().rss - rssBefore;
  t.ok(growth < RSS_GROWTH_LIMIT, `RSS grew ${Math.round(growth / 1024 / 1024)} MB (bound ${RSS_GROWTH_LIMIT / 1024 / 1024} MB)`);
  const stored: string[] = [];
  for (const token of refused) if ((await both.store.getHandle(`88.999.DEMO/${token}`)) !== undefined) stored.push(token);
  t.same(stored, [], 'nothing stored from a refused call');
  t.same(both.logs.filter((line) => Number(line.level) >= 50).slice(0, 5), [], 'no server-error log line');
});
