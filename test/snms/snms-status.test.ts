import t from 'tap';
import { CATALOGUE, type ErrorCode } from '../../src/core/errors/catalogue.js';
import { BUSINESS_ERROR, INTERNAL, NO_PERMISSION, NOT_LOGGED_IN, SNMS_STATUS } from '../../src/snms/snms-status.js';

t.test('every catalogue code has an SNMS status, and nothing else does', async (t) => {
  t.same(Object.keys(SNMS_STATUS).sort(), Object.keys(CATALOGUE).sort());
});

t.test('the status agrees with the class: server and retry-later -4; client -1 (credentials), -3 (rights) or -2', async (t) => {
  for (const [code, entry] of Object.entries(CATALOGUE)) {
    const status = SNMS_STATUS[code as ErrorCode];
    if (entry.class !== 'client') {
      t.equal(status, INTERNAL, `${code} (${entry.class}) → -4`);
      continue;
    }
    // Handle response codes 402/403 are "authenticate (again)"; 401 is "the authenticated caller may not".
    const expected = entry.handleCode === 402 || entry.handleCode === 403 ? NOT_LOGGED_IN : entry.handleCode === 401 ? NO_PERMISSION : BUSINESS_ERROR;
    t.equal(status, expected, `${code} (client, Handle ${entry.handleCode}) → ${status}`);
  }
});
