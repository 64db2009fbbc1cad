import t from 'tap';
import { CATALOGUE } from '../../src/core/errors/catalogue.js';
import { HTTP_STATUS } from '../../src/rest/http-status.js';

t.test('every catalogue code has an HTTP status, and nothing else does', async (t) => {
  t.same(Object.keys(HTTP_STATUS).sort(), Object.keys(CATALOGUE).sort());
});

t.test('the status agrees with the class: refusals 4xx, server failures 500, retry-later 503 (429 for a limit of the caller\'s own)', async (t) => {
  const callersOwnLimit = new Set(['AUTHENTICATION_THROTTLED', 'RATE_LIMIT_EXCEEDED']);
  for (const [code, entry] of Object.entries(CATALOGUE)) {
    const status = HTTP_STATUS[code as keyof typeof CATALOGUE];
    const retryLater = callersOwnLimit.has(code) ? 429 : 503;
    const expected = entry.class === 'client' ? status >= 400 && status < 500 : status === (entry.class === 'server' ? 500 : retryLater);
    t.ok(expected, `${code} (${entry.class}) → ${status}`);
  }
});
