import { Metadata, status } from '@grpc/grpc-js';
import t from 'tap';
import { peerAddress, principalOfCall } from '../../src/grpc/call-principal.js';
import { authMetadata, valueMessage } from '../helpers/grpc-client.js';
import { startBothNode } from '../helpers/grpc-node.js';

const DEMO = '88.999.DEMO';

t.test('Resolve: found, filtered, nothing visible, not found, bad identifier', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  const created = await clients.unary(
    clients.registry,
    'Create',
    {
      handle: `${DEMO}/PN-1`,
      values: [
        valueMessage(1, 'URL', 'https://example.org/1'),
        { ...valueMessage(2, 'EMAIL', 'ops@example.org'), permissions: '1100' },
        { index: 3, type: 'blob', data: { format: 'hex', value: 'CAFE' }, ttl: 60, references: [{ handle: '88.999.demo/PN-0', index: 1 }] },
      ],
    },
    authMetadata(demo.id, demo.secret),
  );
  t.same(created, { ok: true, value: { handle: `${DEMO}/PN-1`, status: 'WRITE_STATUS_CREATED' } });

  const all = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO.toLowerCase()}/PN-1` });
  t.ok(all.ok);
  const value = all.ok ? all.value : undefined;
  t.equal(value.handle, `${DEMO}/PN-1`, 'normalised');
  t.equal(value.responseCode, 1);
  t.same(value.values.map((v: { index: number }) => v.index), [1, 3, 100], 'the private EMAIL is not shown to an anonymous caller');
  t.match(value.values[0], { index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/1' }, ttl: 86400, permissions: '1110', references: [] });
  t.match(value.values[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  t.match(value.values[1], { data: { format: 'hex', value: 'cafe' }, ttl: 60, references: [{ handle: '88.999.DEMO/PN-0', index: 1 }] });
  t.match(value.values[2], { type: 'HS_ADMIN', data: { format: 'admin', admin: { handle: `0.NA/${DEMO}`, index: 300, permissions: '011111110011' } } });

  const warm = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/PN-1` });
  t.same(warm, all, 'the warm answer is the same');

  const owner = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/PN-1`, types: ['EMAIL'] }, authMetadata(demo.id, demo.secret));
  t.same(owner.ok && owner.value.values.map((v: { type: string }) => v.type), ['EMAIL'], 'the owner sees private values');
  const byIndex = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/PN-1`, indexes: [3], types: ['URL'] });
  t.same(byIndex.ok && byIndex.value.values.map((v: { index: number }) => v.index), [1, 3]);
  const none = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/PN-1`, types: ['EMAIL'] });
  t.same(none, { ok: true, value: { handle: `${DEMO}/PN-1`, values: [], responseCode: 200 } });

  const missing = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/PN-404` });
  t.same(missing, { ok: false, status: status.NOT_FOUND, details: `${DEMO}/PN-404 does not exist`, code: 'HANDLE_NOT_FOUND', responseCode: '100' });
  const bad = await clients.unary(clients.resolver, 'Resolve', { handle: '88.999..X/1' });
  t.match(bad, { ok: false, status: status.INVALID_ARGUMENT, code: 'PREFIX_EMPTY_SEGMENT', responseCode: '102' });
  const notHomed = await clients.unary(clients.resolver, 'Resolve', { handle: '77.1/X' });
  t.match(notHomed, { ok: false, status: status.FAILED_PRECONDITION, code: 'NOT_HOMED', responseCode: '301' });
  const traced = new Metadata();
  traced.set('x-request-id', 'trace-123');
  await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/PN-405` }, traced);
  t.match(both.logs.find((log) => log['reqId'] === 'trace-123'), { rpc: 'Resolve', code: 'HANDLE_NOT_FOUND', msg: `refused: ${DEMO}/PN-405 does not exist` }, 'refusals are logged with the caller\'s request id');
  const utf8 = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/标识-1` });
  t.match(utf8, { ok: false, status: status.NOT_FOUND, details: `${DEMO}/标识-1 does not exist` }, 'non-ASCII details survive the trailers');
});

t.test('credentials travel in metadata and are checked as REST checks them', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  const wrong = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/X` }, authMetadata(demo.id, 'not-the-secret'));
  t.match(wrong, { ok: false, status: status.UNAUTHENTICATED, code: 'AUTHENTICATION_FAILED', responseCode: '403' });
  const malformed = new Metadata();
  malformed.set('authorization', 'Digest abc');
  t.match(await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/X` }, malformed), { ok: false, status: status.UNAUTHENTICATED, code: 'CREDENTIALS_MALFORMED' });
  const unknownToken = new Metadata();
  unknownToken.set('authorization', 'Bearer abc');
  t.match(await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/X` }, unknownToken), { ok: false, status: status.UNAUTHENTICATED, code: 'TOKEN_INVALID', responseCode: '402' });
  const plainColon = await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/X` }, authMetadata(demo.id, demo.secret, false));
  t.match(plainColon, { ok: false, code: 'HANDLE_NOT_FOUND' }, 'an unencoded colon in the username works too');

  // The loopback rule, with a peer that is not loopback.
  const call = (peer: string, metadata: Metadata) => ({ metadata, getPeer: () => peer });
  const policy = { tls: false, allowRemoteCredentialsOverHttp: false };
  await t.rejects(principalOfCall(call('10.1.2.3:5555', authMetadata(demo.id, demo.secret)), both.node.authenticator, policy), { code: 'CREDENTIALS_REQUIRE_TLS' });
  t.match(await principalOfCall(call('::1:5555', authMetadata(demo.id, demo.secret)), both.node.authenticator, policy), { kind: 'enterprise', prefix: DEMO });
  t.match(await principalOfCall(call('10.1.2.3:5555', new Metadata()), both.node.authenticator, policy), { kind: 'anonymous' });
  t.match(await principalOfCall(call('10.1.2.3:5555', authMetadata(demo.id, demo.secret)), both.node.authenticator, { ...policy, tls: true }), { kind: 'enterprise' });
  const twice = authMetadata(demo.id, demo.secret);
  twice.add('authorization', 'Basic eA==');
  await t.rejects(principalOfCall(call('127.0.0.1:1', twice), both.node.authenticator, policy), { code: 'CREDENTIALS_MALFORMED' });
  t.equal(peerAddress('127.0.0.1:443'), '127.0.0.1');
  t.equal(peerAddress('::ffff:127.0.0.1:80'), '::ffff:127.0.0.1');
  t.equal(peerAddress('unknown'), undefined);
});

t.test('ResolveStream: pipelined lookups answered in order, failures inline', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  const demo = both.credentials.demoEnterprise;
  await clients.unary(clients.registry, 'Create', { handle: `${DEMO}/S-1`, values: [valueMessage(1, 'URL', 'u1')] }, authMetadata(demo.id, demo.secret));
  const call = clients.resolver['ResolveStream']!.call(clients.resolver, new Metadata());
  const replies: any[] = [];
  call.on('data', (reply: unknown) => replies.push(reply));
  const ended = new Promise((resolve, reject) => {
    call.on('end', resolve);
    call.on('error', reject);
  });
  const requests = [{ handle: `${DEMO}/S-1` }, { handle: `${DEMO}/S-2` }, { handle: 'bad' }, { handle: `${DEMO}/S-1`, indexes: [100] }];
  for (let round = 0; round < 250; round++) for (const request of requests) call.write(request);
  call.end();
  await ended;
  t.equal(replies.length, 1000);
  t.same(replies.map((reply) => reply.position), Array.from({ length: 1000 }, (_, i) => i), 'in request order');
  t.match(replies[0], { result: 'response', response: { handle: `${DEMO}/S-1`, responseCode: 1 } });
  t.match(replies[1], { result: 'error', error: { code: 'HANDLE_NOT_FOUND', handle: `${DEMO}/S-2`, responseCode: 100, grpcStatus: status.NOT_FOUND } });
  t.match(replies[2], { result: 'error', error: { code: 'IDENTIFIER_MISSING_SLASH', responseCode: 102, grpcStatus: status.INVALID_ARGUMENT } });
  t.same(replies[3].response.values.map((v: { index: number }) => v.index), [100]);
  t.match(replies[999], { position: 999, response: { handle: `${DEMO}/S-1` } });

  const refused = clients.resolver['ResolveStream']!.call(clients.resolver, authMetadata(demo.id, 'wrong'));
  const failure = await new Promise<any>((resolve) => {
    refused.on('error', resolve);
    refused.on('data', () => {});
    refused.write({ handle: `${DEMO}/S-1` });
  });
  t.equal(failure.code, status.UNAUTHENTICATED);
  t.equal(failure.metadata.get('idnode-error-code')[0], 'AUTHENTICATION_FAILED');
});

t.test('resolutions through gRPC are metered under protocol grpc', async (t) => {
  const both = await startBothNode({ dir: t.testdir() });
  t.teardown(() => both.close());
  const { clients } = both;
  await clients.unary(clients.resolver, 'Resolve', { handle: `${DEMO}/none` });
  await both.node.metering.flush();
  const rows = await both.store.listCounters('2000-01-01', '2100-01-01');
  t.match(rows, [{ prefix: DEMO, protocol: 'grpc', kind: 'resolution.not-found', count: 1 }]);
});
