import { createHash, timingSafeEqual } from 'node:crypto';
import type { Random } from '../clock/clock.js';
import type { StoredSecret } from '../store/store.js';

/**
 * Credential secrets are 256 random bits, never chosen by people. A slow password hash (scrypt, argon2)
 * exists to make guessing low-entropy passwords expensive; against a 256-bit random secret guessing is
 * already infeasible, so a salted SHA-256 keeps a leaked database from revealing secrets while costing
 * about a microsecond per verification (auth never dominates a write).
 */
export const SECRET_BYTES = 32;

export function generateSecret(random: Random): string {
  return random.bytes(SECRET_BYTES).toString('base64url');
}

/** SHA-256 of the salt then the secret's bytes (a string counts as its UTF-8 bytes). */
export function hashSecret(secret: string | Buffer, salt: Buffer): Buffer {
  const hash = createHash('sha256').update(salt);
  return (typeof secret === 'string' ? hash.update(secret, 'utf8') : hash.update(secret)).digest();
}

export function storeSecret(secret: string | Buffer, random: Random): StoredSecret {
  const salt = random.bytes(16);
  return { hash: hashSecret(secret, salt), salt };
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function verifySecret(secret: string, stored: StoredSecret): boolean {
  const presented = hashSecret(secret, stored.salt);
  return presented.length === stored.hash.length && timingSafeEqual(presented, stored.hash);
}
