import { readFileSync } from 'node:fs';
import t from 'tap';
import { CATALOGUE, IdnodeError } from '../../src/core/errors/catalogue.js';

/** DESIGN §4: responseCode → HTTP status, for the codes the table names. */
const DESIGN_TABLE: Record<number, number[]> = {
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
  for (const [code, entry] of Object.entries(CATALOGUE)) {
    const allowed = DESIGN_TABLE[entry.handleCode];
    if (allowed) t.ok(allowed.includes(entry.httpStatus), `${code}: responseCode ${entry.handleCode} → HTTP ${entry.httpStatus}`);
  }
});

t.test('README documents every error code with its statuses', async (t) => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const [code, entry] of Object.entries(CATALOGUE)) {
    t.ok(readme.includes(`| \`${code}\` | ${entry.httpStatus} | ${entry.handleCode} | ${entry.grpcStatus} |`), `README row for ${code}`);
  }
});

t.test('IdnodeError carries the entry and the handle', async (t) => {
  const error = new IdnodeError('HANDLE_NOT_FOUND', 'x does not exist', { handle: '88.999/x' });
  t.equal(error.httpStatus, 404);
  t.equal(error.handleCode, 100);
  t.equal(error.grpcStatus, 5);
  t.equal(error.handle, '88.999/x');
  t.equal(error.name, 'IdnodeError');
});
