import { readFileSync } from 'node:fs';
import t from 'tap';
import { CATALOGUE, IdnodeError, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { GRPC_STATUS } from '../../src/grpc/grpc-status.js';
import { HTTP_STATUS } from '../../src/rest/http-status.js';

const CODES = Object.keys(CATALOGUE) as ErrorCode[];

/** docs/design.md §4: responseCode → HTTP status, for the codes the table names. */
const DESIGN_MD_TABLE: Record<number, number[]> = {
  1: [200, 201],
  2: [500],
  100: [404],
  101: [409],
  102: [400],
  202: [400],
  301: [400],
  200: [200],
  402: [401],
  400: [403],
  401: [403],
  403: [403],
};

t.test('every catalogue entry follows the design table where it names the response code', async (t) => {
  for (const code of CODES) {
    const allowed = DESIGN_MD_TABLE[CATALOGUE[code].handleCode];
    if (allowed) t.ok(allowed.includes(HTTP_STATUS[code]), `${code}: responseCode ${CATALOGUE[code].handleCode} → HTTP ${HTTP_STATUS[code]}`);
  }
});

t.test('README documents every error code with its class and statuses', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const code of CODES) {
    const entry = CATALOGUE[code];
    t.ok(readme.includes(`| \`${code}\` | ${entry.class} | ${HTTP_STATUS[code]} | ${entry.handleCode} | ${GRPC_STATUS[code]} |`), `README row for ${code}`);
  }
});

t.test('the class: the store, the node and the top-level node being unreachable, the node busy, and a caller\'s own throttle or rate are worth retrying; only bugs and bad start-up files are the server\'s', async (t) => {
  t.same(CODES.filter((code) => CATALOGUE[code].class === 'retry-later'), ['AUTHENTICATION_THROTTLED', 'RATE_LIMIT_EXCEEDED', 'NODE_UNREACHABLE', 'STORE_UNAVAILABLE', 'NODE_BUSY', 'TOP_LEVEL_UNREACHABLE', 'REMOTE_NODE_UNAVAILABLE', 'RECURSION_LIMIT_EXCEEDED']);
  t.same(CODES.filter((code) => CATALOGUE[code].class === 'server'), ['INTERNAL_ERROR', 'CONFIG_INVALID', 'POLICY_INVALID']);
  t.equal(CODES.filter((code) => CATALOGUE[code].class === 'client').length, CODES.length - 11, 'every other code is a refusal');
});

t.test('IdnodeError carries the entry and the handle', async (t) => {
  const error = new IdnodeError('HANDLE_NOT_FOUND', 'x does not exist', { handle: '88.999/x' });
  t.equal(error.handleCode, 100);
  t.equal(error.class, 'client');
  t.equal(error.handle, '88.999/x');
  t.equal(error.name, 'IdnodeError');
  t.notOk('httpStatus' in error || 'grpcStatus' in error, 'statuses belong to the front ends');
  t.equal(new IdnodeError('STORE_UNAVAILABLE', 'down').class, 'retry-later');
});
