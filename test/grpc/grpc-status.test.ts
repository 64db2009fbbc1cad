import { status } from '@grpc/grpc-js';
import t from 'tap';
import { CATALOGUE } from '../../src/core/errors/catalogue.js';
import { GRPC_STATUS } from '../../src/grpc/grpc-status.js';

t.test('every catalogue code has a gRPC status, and nothing else does', async (t) => {
  t.same(Object.keys(GRPC_STATUS).sort(), Object.keys(CATALOGUE).sort());
});

t.test('the status agrees with the class: INTERNAL for the server, UNAVAILABLE to retry later (RESOURCE_EXHAUSTED for a limit of the caller\'s own), neither for a refusal', async (t) => {
  const callersOwnLimit = new Set(['AUTHENTICATION_THROTTLED', 'RATE_LIMIT_EXCEEDED']);
  for (const [code, entry] of Object.entries(CATALOGUE)) {
    const grpcStatus = GRPC_STATUS[code as keyof typeof CATALOGUE];
    const retryLater = callersOwnLimit.has(code) ? status.RESOURCE_EXHAUSTED : status.UNAVAILABLE;
    const expected = entry.class === 'server' ? status.INTERNAL : entry.class === 'retry-later' ? retryLater : undefined;
    if (expected === undefined) t.ok(grpcStatus !== status.INTERNAL && grpcStatus !== status.UNAVAILABLE && grpcStatus !== status.OK, `${code} is a refusal: ${grpcStatus}`);
    else t.equal(grpcStatus, expected, code);
  }
});
