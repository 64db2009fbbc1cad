import t from 'tap';
import { identityGrants } from '../../src/core/auth/access.js';
import { secretKeyMatches, withSecretKeysHashed } from '../../src/core/auth/secret-keys.js';
import { systemRandom } from '../../src/core/clock/clock.js';
import { isNeverShown, shownValues, type HandleValue } from '../../src/core/values/handle-value.js';
import { validateValues } from '../../src/core/values/validate-values.js';
import { toWireValue } from '../../src/core/values/wire-value.js';

// Secret keys held in handles: hashed before they are stored, matched by hashing what is presented, never
// shown; and the rights an identity's own HS_ADMIN values grant it.

const OPTIONS = { nowMs: Date.UTC(2025, 0, 1), maxValues: 100, maxDataBytes: 1024 };
const SECRET = 'a-secret-of-some-length-0123';
const validated = (input: unknown[]) => validateValues(input, OPTIONS);

t.test('every HS_SECKEY value is hashed; its secret is its bytes, whatever the format', async (t) => {
  const plain = validated([{ index: 1, type: 'URL', data: 'https://example.org' }]);
  t.equal(withSecretKeysHashed(plain, systemRandom), plain, 'no secret key: the same array');
  for (const data of [SECRET, { format: 'string', value: SECRET }, { format: 'hex', value: Buffer.from(SECRET).toString('hex') }, { format: 'base64', value: Buffer.from(SECRET).toString('base64') }]) {
    const [url, key] = withSecretKeysHashed(validated([{ index: 1, type: 'URL', data: 'x' }, { index: 300, type: 'HS_SECKEY', data }]), systemRandom);
    t.equal(url!.data.format, 'string', 'other values untouched');
    t.equal(key!.data.format, 'secret-hash');
    t.notMatch(String(key!.data.value), SECRET);
    t.equal(secretKeyMatches(key!, SECRET), true, `${JSON.stringify(data)}: the secret matches`);
    t.equal(secretKeyMatches(key!, `${SECRET}x`), false, 'another does not');
    t.equal(withSecretKeysHashed([key!], systemRandom)[0], key, 'a stored hash is never hashed again');
  }
  const [a] = withSecretKeysHashed(validated([{ index: 300, type: 'HS_SECKEY', data: SECRET }]), systemRandom);
  const [b] = withSecretKeysHashed(validated([{ index: 300, type: 'HS_SECKEY', data: SECRET }]), systemRandom);
  t.not(a!.data.value, b!.data.value, 'salted: the same secret is stored differently each time');
});

t.test('only a well-formed stored hash of an HS_SECKEY value matches', async (t) => {
  const [key] = withSecretKeysHashed(validated([{ index: 300, type: 'HS_SECKEY', data: SECRET }]), systemRandom);
  const text = String(key!.data.value);
  const [, salt, hash] = text.split(':');
  const variant = (value: string, type = 'HS_SECKEY'): HandleValue => ({ ...key!, type, data: { format: 'secret-hash', value } });
  t.equal(secretKeyMatches(variant(text), SECRET), true);
  t.equal(secretKeyMatches(variant(text, 'PASSWORD'), SECRET), false, 'another type');
  t.equal(secretKeyMatches({ ...key!, data: { format: 'string', value: SECRET } }, SECRET), false, 'a secret stored as is never matches');
  for (const bad of [`md5:${salt}:${hash}`, `sha256:${salt}`, `sha256:${salt}:${hash}:x`, '']) {
    t.equal(secretKeyMatches(variant(bad), SECRET), false, `malformed ${JSON.stringify(bad)}`);
  }
});

t.test('a stored secret key is never shown and never encoded', async (t) => {
  const [url, key] = withSecretKeysHashed(validated([{ index: 1, type: 'URL', data: 'x' }, { index: 300, type: 'HS_SECKEY', data: SECRET }]), systemRandom);
  t.equal(isNeverShown(key!), true);
  t.equal(isNeverShown(url!), false);
  t.same(shownValues([url!, key!]), [url], 'shown: all but the key');
  const none = [url!];
  t.equal(shownValues(none), none, 'nothing held back: the same array');
  t.throws(() => toWireValue(key!), /reached an encoder: secret keys are never shown/);
});

t.test('validation never quotes a secret key in its messages', async (t) => {
  for (const data of [{ format: 'hex', value: `${SECRET}zz` }, { format: 'base64', value: SECRET }, { format: 'string', value: 7 }, { format: 'string', value: `${SECRET}\ud800` }]) {
    let message = '';
    try {
      validated([{ index: 300, type: 'HS_SECKEY', data }]);
    } catch (error) {
      message = (error as Error).message;
    }
    t.match(message, 'the secret key (not shown)', JSON.stringify(data));
    t.notMatch(message, SECRET, `${JSON.stringify(data)}: the secret is not quoted`);
  }
  t.throws(() => validated([{ index: 2, type: 'BLOB', data: { format: 'hex', value: 'zz' } }]), /character "z" at position 0/, 'other values are quoted as before');
});

t.test("an identity's rights: the HS_ADMIN values of its handle naming it, each right whole", async (t) => {
  const identity = { handle: '88.999.A/admin', index: 300 };
  const admin = (handle: string, index: number, permissions: string, at: number) => ({ index: at, type: 'HS_ADMIN', data: { format: 'admin', value: { handle, index, permissions } } });
  const grants = (...values: unknown[]) => identityGrants(validated(values), identity);
  t.same(grants(admin('88.999.A/admin', 300, '111111111111', 100)), { write: true, readPrivate: true, list: true }, 'every digit: every right');
  t.same(grants(admin('88.999.A/admin', 300, '110011101110', 100)), { write: true, readPrivate: false, list: false }, 'the write digits only: write');
  t.same(grants(admin('88.999.A/admin', 300, '011111111111', 100)), { write: false, readPrivate: true, list: true }, 'no add handle: no write');
  t.same(grants(admin('88.999.A/admin', 301, '111111111111', 100), admin('88.999.A/other', 300, '111111111111', 101)), { write: false, readPrivate: false, list: false }, 'naming another key or handle: nothing');
  t.same(grants(admin('88.999.A/admin', 300, '110011100000', 100), admin('88.999.A/admin', 300, '000000001110', 101)), { write: true, readPrivate: false, list: false }, 'digits of two values combine');
  t.same(grants({ index: 1, type: 'URL', data: 'x' }), { write: false, readPrivate: false, list: false }, 'no HS_ADMIN: nothing');
});
