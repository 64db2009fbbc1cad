import t from 'tap';
import { decodeResolveResponse, grpcFrame, grpcMessages, resolveRequestFrame, RESOLVE_PATH } from '../../bench/lib/grpc-frame.js';
import { probeGrpc, probeResolution } from '../../bench/lib/grpc-probe.js';
import { EMPTY, KNOWN, startResolverStub, WRONG } from '../helpers/resolver-stub.js';

t.test('gRPC framing: a 5-byte prefix (uncompressed, uint32 BE length) before each message', async (t) => {
  t.same([...grpcFrame(Buffer.from([7, 8, 9]))], [0, 0, 0, 0, 3, 7, 8, 9]);
  const two = Buffer.concat([grpcFrame(Buffer.from('ab')), grpcFrame(Buffer.alloc(0))]);
  t.same(grpcMessages(two).map((message) => message.toString()), ['ab', '']);
  t.same(grpcMessages(Buffer.alloc(0)), []);
  t.throws(() => grpcMessages(Buffer.from([0, 0, 0])), { code: 'INTERNAL_ERROR' }, 'a cut prefix');
  t.throws(() => grpcMessages(Buffer.from([0, 0, 0, 0, 4, 1])), { code: 'INTERNAL_ERROR' }, 'a cut message');
  t.throws(() => grpcMessages(Buffer.from([1, 0, 0, 0, 0])), { code: 'INTERNAL_ERROR' }, 'a compressed message');
  // The Resolve request is the protobuf of {handle}: field 1, length-delimited.
  const request = resolveRequestFrame('1/a');
  t.same([...request], [0, 0, 0, 0, 5, 0x0a, 3, ...Buffer.from('1/a')]);
});

t.test('probing a grpc-js server with the raw request a generator sends', async (t) => {
  const stub = await startResolverStub();
  t.teardown(stub.close);

  const ok = await probeGrpc(stub.address, RESOLVE_PATH, resolveRequestFrame(KNOWN));
  t.equal(ok.httpStatus, 200);
  t.equal(ok.grpcStatus, 0);
  const answer = decodeResolveResponse(grpcMessages(ok.body)[0]!);
  t.equal(answer.handle, KNOWN);
  t.equal(answer.responseCode, 1);
  t.equal(await probeResolution(stub.address, KNOWN), ok.body.length, 'the checked answer size is the body, prefix included');

  const missing = await probeGrpc(stub.address, RESOLVE_PATH, resolveRequestFrame('88.999.1/NOPE'));
  t.equal(missing.httpStatus, 200, 'a failed call is still HTTP 200');
  t.equal(missing.grpcStatus, 5);
  t.match(missing.grpcMessage, /does not exist/);
  t.equal(missing.body.length, 0, 'and carries no DATA');

  await t.rejects(probeResolution(stub.address, '88.999.1/NOPE'), { code: 'INTERNAL_ERROR', message: /grpc-status 5/ });
  await t.rejects(probeResolution(stub.address, EMPTY), { code: 'INTERNAL_ERROR', message: /not a resolution/ });
  await t.rejects(probeResolution(stub.address, WRONG), { code: 'INTERNAL_ERROR', message: /not a resolution/ });
  await t.rejects(probeGrpc('127.0.0.1:1', RESOLVE_PATH, resolveRequestFrame(KNOWN)), { code: 'INTERNAL_ERROR', message: /probe/ });
});
