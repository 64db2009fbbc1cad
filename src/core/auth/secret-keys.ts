import type { Random } from '../clock/clock.js';
import { SECRET_HASH_FORMAT, TYPE_SECRET_KEY, type HandleValue } from '../values/handle-value.js';
import { storeSecret, verifySecret } from './secrets.js';

/**
 * Secret keys held in handles (HS_SECKEY values, docs/design.md §4): the identities HANDLE.NET clients
 * authenticate as (`300:88.999.PH/admin`). The secret is hashed before it is stored, salted as issued credentials
 * are (src/core/auth/secrets.ts), and the hash is kept as the value's data in the server-only format
 * `secret-hash`: `sha256:<salt, base64>:<hash, base64>`. Nothing reads the secret back: verification hashes what
 * is presented. The value itself is never shown to anyone (isNeverShown).
 *
 * The secret is the value's bytes, as HANDLE.NET compares them with the password presented: the UTF-8 of
 * string data, the decoded bytes of hex or base64 data.
 */
const ALGORITHM = 'sha256';

/**
 * `values` with every HS_SECKEY value's data replaced by its salted hash; `values` itself when it holds none.
 * Called by Registry.preparePut on every write, single or bulk, so no secret reaches the store.
 */
export function withSecretKeysHashed(values: HandleValue[], random: Random): HandleValue[] {
  if (!values.some(isSecretKeyInput)) return values;
  return values.map((value) => (isSecretKeyInput(value) ? { ...value, data: { format: SECRET_HASH_FORMAT, value: hashedText(secretBytes(value), random) } } : value));
}

/** True when `value` is a stored secret key and `presented` (a password, as UTF-8) is its secret. */
export function secretKeyMatches(value: HandleValue, presented: string): boolean {
  if (value.type !== TYPE_SECRET_KEY || value.data.format !== SECRET_HASH_FORMAT) return false;
  const [algorithm, salt, hash, extra] = value.data.value.split(':');
  if (algorithm !== ALGORITHM || salt === undefined || hash === undefined || extra !== undefined) return false;
  return verifySecret(presented, { salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') });
}

function isSecretKeyInput(value: HandleValue): boolean {
  return value.type === TYPE_SECRET_KEY && value.data.format !== SECRET_HASH_FORMAT;
}

function secretBytes(value: HandleValue): Buffer {
  const data = value.data;
  // validateValues refuses admin data for HS_SECKEY; hex and base64 are already checked canonical.
  if (data.format === 'hex' || data.format === 'base64') return Buffer.from(data.value, data.format);
  return Buffer.from(data.value as string, 'utf8');
}

function hashedText(secret: Buffer, random: Random): string {
  const stored = storeSecret(secret, random);
  return `${ALGORITHM}:${stored.salt.toString('base64')}:${stored.hash.toString('base64')}`;
}
