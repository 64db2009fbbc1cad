import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock, Random } from '../clock/clock.js';
import { MeteringDay } from '../clock/metering-day.js';
import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';
import type { PrincipalRecord, PrincipalStore, StoredSecret, TokenStore } from '../store/store.js';
import { enterpriseIdentity, normaliseIdentity, type Principal } from './principal.js';
import { verifySecret } from './secrets.js';

/** A login token lives this long (SNMS: 24 hours), whatever happens to the clock's day. */
export const TOKEN_LIFETIME_MS = 24 * 3600_000;
/**
 * The day a hashed login (/identity/token/v1) is salted with is the calendar day in China Standard Time (UTC+8,
 * no daylight saving), as SNMS clients compute it, whatever the node's metering zone. A login within
 * HASHED_LOGIN_SKEW_MS of midnight is also accepted with the neighbouring day, so a client whose clock is a few
 * minutes off still logs in.
 */
export const HASHED_LOGIN_TIME_ZONE = 'Asia/Shanghai';
export const HASHED_LOGIN_SKEW_MS = 5 * 60_000;
const TOKEN_BYTES = 32;

export interface IssuedToken {
  readonly token: string;
  readonly principalId: string;
  readonly expiresAtMs: number;
}

/** SHA-256 of a token's text: what the store keeps and looks tokens up by. */
export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Login tokens: a credential scheme beside Basic (docs/design.md §4, SNMS-style API). A login with an issued
 * credential's identity (or, for an enterprise, its prefix) and secret gives a bearer token of 256 random bits,
 * valid TOKEN_LIFETIME_MS; the store keeps its SHA-256 only. The token ends early when the credential is
 * revoked or given a new secret (checked at every use against the principal record, so it holds across
 * replicas and the CLI). Identities held in handles log in with Basic only.
 */
export class Tokens {
  private readonly loginDay = new MeteringDay(HASHED_LOGIN_TIME_ZONE);

  constructor(
    private readonly store: PrincipalStore & TokenStore,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  /** Logs in with the secret itself. Throws CREDENTIALS_MALFORMED (username), AUTHENTICATION_FAILED. */
  async login(username: unknown, password: unknown): Promise<IssuedToken> {
    const record = await this.activeRecord(username, password);
    if (!verifySecret(password as string, record.secret)) throw failed(record.id);
    return this.issue(record);
  }

  /**
   * Logs in with password = hex SHA-256 of (hex SHA-256 of the secret + the day yyyy-MM-dd in China Standard
   * Time). Verified against the login digest kept when the secret was issued; a credential issued before
   * digests were kept must be given a new secret first. Throws like login.
   */
  async loginHashed(username: unknown, password: unknown): Promise<IssuedToken> {
    const record = await this.activeRecord(username, password);
    const digest = await this.store.getLoginDigest(record.id);
    if (digest === undefined || !digest.stamp.equals(record.secret.salt)) {
      throw new IdnodeError('AUTHENTICATION_FAILED', `hashed login is not available for "${record.id}": its secret was issued before this node kept login digests; rotate the secret, or log in at /identity/token`);
    }
    const presented = Buffer.from((password as string).toLowerCase(), 'utf8');
    const nowMs = this.clock.now();
    const days = new Set([nowMs - HASHED_LOGIN_SKEW_MS, nowMs, nowMs + HASHED_LOGIN_SKEW_MS].map((ms) => this.loginDay.dayOf(ms)));
    const hex = digest.digest.toString('hex');
    for (const day of days) {
      const expected = Buffer.from(sha256Hex(hex + day), 'utf8');
      if (presented.length === expected.length && timingSafeEqual(presented, expected)) return this.issue(record);
    }
    throw failed(record.id);
  }

  /**
   * Keeps what verifies hashed logins with `secret` (call it after the secret was stored for `principalId`).
   * A digest whose stamp is not the secret in force is ignored, so a failure between the two writes only makes
   * hashed login unavailable until the next rotation.
   */
  async keepLoginDigest(principalId: string, secret: string, stored: StoredSecret): Promise<void> {
    await this.store.setLoginDigest(principalId, { stamp: Buffer.from(stored.salt), digest: createHash('sha256').update(secret, 'utf8').digest() });
  }

  /** The principal a bearer token stands for. Throws TOKEN_INVALID (unknown, expired, revoked, rotated). */
  async principalOf(token: string): Promise<Principal> {
    const record = await this.store.getToken(tokenHash(token));
    if (record === undefined) throw new IdnodeError('TOKEN_INVALID', 'the bearer token is not one this node issued (or it expired long ago); log in again');
    if (this.clock.now() >= record.expiresAtMs) {
      throw new IdnodeError('TOKEN_INVALID', `the bearer token expired at ${new Date(record.expiresAtMs).toISOString()}; log in again`);
    }
    const principal = await this.store.getPrincipal(record.principalId);
    if (principal === undefined || principal.revokedAtMs !== undefined || !principal.secret.salt.equals(record.stamp)) {
      throw new IdnodeError('TOKEN_INVALID', `the bearer token of "${record.principalId}" ended: the credential was revoked or given a new secret; log in again`);
    }
    return principalOfRecord(principal);
  }

  private async activeRecord(username: unknown, password: unknown): Promise<PrincipalRecord> {
    if (typeof username !== 'string' || username === '' || typeof password !== 'string' || password === '') {
      throw new IdnodeError('CREDENTIALS_MALFORMED', 'a login needs username (an identity {index}:{handle}, or an enterprise prefix) and password as non-empty text');
    }
    const id = username.includes(':') ? normaliseIdentity(username).id : enterpriseIdentity(prefixOf(username));
    const record = await this.store.getPrincipal(id);
    if (record === undefined || record.revokedAtMs !== undefined) throw failed(id);
    return record;
  }

  private async issue(record: PrincipalRecord): Promise<IssuedToken> {
    const token = this.random.bytes(TOKEN_BYTES).toString('base64url');
    const nowMs = this.clock.now();
    const expiresAtMs = nowMs + TOKEN_LIFETIME_MS;
    await this.store.insertToken({ hash: tokenHash(token), principalId: record.id, stamp: Buffer.from(record.secret.salt), issuedAtMs: nowMs, expiresAtMs }, nowMs);
    return { token, principalId: record.id, expiresAtMs };
  }
}

/** The principal an issued credential stands for. */
export function principalOfRecord(record: PrincipalRecord): Principal {
  switch (record.role) {
    case 'enterprise':
      return { kind: 'enterprise', id: record.id, prefix: record.prefix! };
    case 'operator':
      return { kind: 'operator', id: record.id };
    case 'auditor':
      return { kind: 'auditor', id: record.id };
  }
}

function prefixOf(username: string): string {
  try {
    return normalisePrefix(username);
  } catch (error) {
    throw new IdnodeError('CREDENTIALS_MALFORMED', `username "${username}" is neither an identity {index}:{handle} nor a prefix: ${(error as Error).message}`);
  }
}

function failed(id: string): IdnodeError {
  // One message for unknown, revoked and wrong secret, as for Basic (see Authenticator).
  return new IdnodeError('AUTHENTICATION_FAILED', `authentication failed for "${id}": unknown identity, wrong secret or revoked credential`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
