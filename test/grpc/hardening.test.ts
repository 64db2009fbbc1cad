import t from 'tap';
import { idnodePackageDefinition } from '../../src/grpc/proto-definition.js';
import { countField } from '../../src/grpc/call-guard.js';
import { startBothNode } from '../helpers/grpc-node.js';
import { authMetadata } from '../helpers/grpc-client.js';
import { grpcFrame, grpcSession, rawCall } from '../helpers/raw-grpc.js';

// Issue 17, defects 1 and 8 on the gRPC front end, scaled down: credentials from metadata before a message
// is read, the message limit enforced from the length prefix, the batch item count before decoding, and
// every refusal (grpc-js's own included) with its catalogue code.

const DEMO = '88.999.DEMO';
const REGISTRY = idnodePackageDefinition()['idnode.v1.Registry'] as Record<string, { requestSerialize(value: object): Buffer }>;
const RESOLVER = idnodePackageDefinition()['idnode.v1.Resolver'] as Record<string, { requestSerialize(value: object): Buffer }>;

/** A RegisterBatch of `count` empty items: 2 bytes each on the wire (the 57 MB message, scaled down). */
function emptyItems(count: number): Buffer {
  return Buffer.alloc(count * 2).fill(Buffer.from([0x0a, 0x00]));
}

t.test('RegisterBatch: anonymous refused before reading, over the limit refused from its prefix, over 2,000 items refused before decoding', async (t) => {
  const both = await startBothNode({ dir: t.testdir(), grpcMaxMessageBytes: 64 * 1024 });
  t.teardown(() => both.close());
  const session = grpcSession(both.grpcAddress);
  t.teardown(() => session.close());
  const { id, secret } = both.credentials.demoEnterprise;
  const authorization = String(authMetadata(id, secret).get('authorization')[0]);
  const path = '/idnode.v1.Registry/RegisterBatch';

  // 1 MB of empty items (half a million), anonymous: refused from the metadata.
  const anonymous = await rawCall(session, path, grpcFrame(emptyItems(500_000)));
  t.match(anonymous, { grpcStatus: 16, code: 'AUTHENTICATION_REQUIRED' }, 'anonymous: UNAUTHENTICATED before the message is read');
  const wrong = await rawCall(session, path, grpcFrame(emptyItems(500_000)), { authorization: 'Basic ' + Buffer.from('300%3A0.NA/88.999.DEMO:nope').toString('base64') });
  t.match(wrong, { grpcStatus: 16, code: 'AUTHENTICATION_FAILED' }, 'a wrong secret: UNAUTHENTICATED');

  // Announced larger than grpc-max-message-bytes: refused from the length prefix, whatever follows.
  const large = await rawCall(session, path, grpcFrame(Buffer.alloc(16), { length: 57 * 1024 * 1024 }), { authorization });
  t.match(large, { grpcStatus: 3, code: 'BODY_TOO_LARGE' }, 'over the limit: INVALID_ARGUMENT BODY_TOO_LARGE');
  t.match(large.message, /grpc-max-message-bytes/);

  // 2,001 empty items fit in 4 KB but are more than a batch holds: counted on the wire, never decoded.
  const many = await rawCall(session, path, grpcFrame(emptyItems(2001)), { authorization });
  t.match(many, { grpcStatus: 3, code: 'REQUEST_INVALID' }, 'over 2,000 items: INVALID_ARGUMENT REQUEST_INVALID');
  t.match(many.message, /2001 items/);

  // Through the ordinary client, a well-formed batch still works.
  const ok = await both.clients.unary(both.clients.registry, 'RegisterBatch', { items: [{ handle: `${DEMO}/ok`, values: [{ index: 1, type: 'URL', data: { format: 'string', value: 'https://example.com/' } }] }] }, authMetadata(id, secret));
  t.equal(ok.ok, true, 'a valid batch is served');
  t.equal((await both.store.listHandles(DEMO, 0, 10)).total, 1, 'only the valid batch stored anything');
});

t.test('garbage protobuf is INVALID_ARGUMENT with the catalogue code, not INTERNAL; so are the framing refusals', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const session = grpcSession(both.grpcAddress);
  t.teardown(() => session.close());
  const resolve = '/idnode.v1.Resolver/Resolve';
  const garbage = await rawCall(session, resolve, grpcFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x07, 0x01])));
  t.match(garbage, { grpcStatus: 3, code: 'PROTOCOL_MESSAGE_MALFORMED' }, 'undecodable: INVALID_ARGUMENT');
  const valid = RESOLVER.Resolve!.requestSerialize({ handle: `${DEMO}/none` });
  const undecompressible = await rawCall(session, resolve, grpcFrame(Buffer.from('not gzip at all'), { compressed: true }), { 'grpc-encoding': 'gzip' });
  t.match(undecompressible, { grpcStatus: 3, code: 'BODY_UNSUPPORTED_MEDIA_TYPE' }, 'a gzip message that does not decompress');
  t.match(await rawCall(session, resolve, Buffer.alloc(0)), { grpcStatus: 3, code: 'REQUEST_INVALID' }, 'a unary call without a message');
  t.match(await rawCall(session, resolve, Buffer.concat([grpcFrame(valid), grpcFrame(valid)])), { grpcStatus: 3, code: 'REQUEST_INVALID' }, 'a unary call with two messages');
  t.match(await rawCall(session, resolve, grpcFrame(valid)), { grpcStatus: 5, code: 'HANDLE_NOT_FOUND' }, 'a valid message is answered');
  const { id, secret } = both.credentials.demoEnterprise;
  const authorization = String(authMetadata(id, secret).get('authorization')[0]);
  const broken = await rawCall(session, '/idnode.v1.Registry/Create', grpcFrame(Buffer.from([0x0a, 0x7f, 0x41])), { authorization });
  t.match(broken, { grpcStatus: 3, code: 'PROTOCOL_MESSAGE_MALFORMED' }, 'a truncated write message');
  t.same(both.logs.filter((line) => Number(line.level) >= 50), [], 'nothing logged as a server error');
});

t.test('countField reads tags and lengths only', async (t) => {
  const batch = REGISTRY.RegisterBatch!.requestSerialize({ items: [{ handle: 'a/b' }, { handle: 'a/c' }], overwrite: true });
  t.equal(countField(batch, 1), 2);
  t.equal(countField(Buffer.concat([batch, Buffer.from([0x19, 1, 2, 3, 4, 5, 6, 7, 8, 0x25, 1, 2, 3, 4])]), 1), 2, 'fixed64 and fixed32 fields skipped');
  t.throws(() => countField(Buffer.from([0x0a, 0x05, 0x00]), 1), { code: 'PROTOCOL_MESSAGE_MALFORMED' }, 'a length past the end');
  t.throws(() => countField(Buffer.from([0x0b]), 1), { code: 'PROTOCOL_MESSAGE_MALFORMED' }, 'a group');
  t.throws(() => countField(Buffer.from([0x08, 0x80]), 1), { code: 'PROTOCOL_MESSAGE_MALFORMED' }, 'a varint past the end');
  t.throws(() => countField(Buffer.from([0x08, ...Array(11).fill(0x80), 0x01]), 1), { code: 'PROTOCOL_MESSAGE_MALFORMED' }, 'a varint over 10 bytes');
});
