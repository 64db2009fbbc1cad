import { IdnodeError } from '../errors/catalogue.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import { parseIdentifier } from '../identifier/identifier.js';
import type { HandleStore, PrincipalStore, StoredSecret } from '../store/store.js';
import { identityGrants } from './access.js';
import { enterpriseIdentity, normaliseIdentity, type Principal } from './principal.js';
import { secretKeyMatches } from './secret-keys.js';
import { generateSecret, storeSecret, verifySecret } from './secrets.js';
import { principalOfRecord, type Tokens } from './tokens.js';
import type { LoginThrottle, LoginThrottleStats } from './login-throttle.js';
import type { Random } from '../clock/clock.js';
import type { Quotas } from '../quotas/quotas.js';

/**
 * Turns presented credentials into a Principal, for every credential scheme: `authenticate` for an identity and
 * its secret (HTTP Basic, gRPC metadata), `authenticateToken` for a bearer token issued at login. Two kinds of identity answer to `{index}:{handle}`:
 * - credentials this node issued (`idnode enterprise add`, the operator, auditors), kept in the principal store;
 * - identities held in handles: the HS_SECKEY value at `index` of `handle`, a handle under a prefix homed here
 *   (docs/permissions.md, "Identities held in handles"). Tried only when no issued credential has that id.
 * Everything is read from the store at every call, so a revocation, a rotation, or the deletion of the handle
 * or of its HS_SECKEY or HS_ADMIN values (by this process, another replica or the CLI) takes effect at the next
 * request.
 */
export interface AuthenticatorOptions {
  /** Failed-login throttling; `undefined`: none (tests of other parts). */
  readonly throttle?: LoginThrottle;
  /** Told each request of an enterprise (or an identity held under its prefix): the rate limit. */
  readonly quotas?: Pick<Quotas, 'takeRequest'>;
  /** Checks a secret against a stored hash (verifySecret; replaced in tests to see that it always runs). */
  readonly verify?: (secret: string, stored: StoredSecret) => boolean;
}

export class Authenticator {
  /** What an unknown identity's secret is checked against, so that it costs what a known one does. */
  private readonly dummy: StoredSecret;

  constructor(
    private readonly store: PrincipalStore & Pick<HandleStore, 'getHandle'>,
    private readonly homing: Pick<HomedPrefixes, 'homeOf'>,
    private readonly tokens: Pick<Tokens, 'principalOf'>,
    random: Random,
    private readonly options: AuthenticatorOptions = {},
  ) {
    this.dummy = storeSecret(generateSecret(random), random);
    this.throttle = options.throttle;
    this.verify = options.verify ?? verifySecret;
  }

  private readonly throttle: LoginThrottle | undefined;
  private readonly verify: (secret: string, stored: StoredSecret) => boolean;

  /**
   * Throws CREDENTIALS_MALFORMED for a malformed identity, AUTHENTICATION_THROTTLED when the identity or
   * `address` has failed too often lately (LoginThrottle), AUTHENTICATION_FAILED for anything else, and
   * RATE_LIMIT_EXCEEDED when an enterprise's credentials are used faster than its quota allows.
   * The secret is checked against a hash whatever the identity (a dummy one for an unknown identity), so an
   * unknown identity is not answered faster than a known one.
   */
  async authenticate(identity: string, secret: string, address?: string): Promise<Principal> {
    const { id, index, handle } = normaliseIdentity(identity);
    this.throttle?.check(id, address);
    const record = await this.store.getPrincipal(id);
    const principal = record === undefined ? await this.heldInHandle(id, index, handle, secret) : undefined;
    if (principal !== undefined) {
      this.throttle?.succeeded(id);
      this.options.quotas?.takeRequest(principal.prefix);
      return principal;
    }
    const matches = this.verify(secret, record?.secret ?? this.dummy);
    // One message for unknown, revoked and wrong secret: a caller learns nothing about which identities exist.
    if (!record || record.revokedAtMs !== undefined || !matches) {
      this.throttle?.failed(id, address);
      throw new IdnodeError('AUTHENTICATION_FAILED', `authentication failed for "${id}": unknown identity, wrong secret or revoked credential`);
    }
    this.throttle?.succeeded(id);
    return this.counted(principalOfRecord(record));
  }

  /** The principal of a bearer token issued at login (see Tokens). Throws TOKEN_INVALID, or RATE_LIMIT_EXCEEDED as authenticate. */
  async authenticateToken(token: string): Promise<Principal> {
    return this.counted(await this.tokens.principalOf(token));
  }

  /** Tells the quotas of a request by an enterprise's credential (its rate limit); throws RATE_LIMIT_EXCEEDED. */
  private counted(principal: Principal): Principal {
    if (principal.kind === 'enterprise') this.options.quotas?.takeRequest(principal.prefix);
    return principal;
  }

  /** Failed and throttled logins since start (zeros without a throttle). */
  stats(): LoginThrottleStats {
    return this.throttle?.stats() ?? { failures: 0, throttled: 0 };
  }

  /**
   * The identity held at `index` of `handle`, when `secret` is that HS_SECKEY value's secret, the handle's
   * prefix is homed here and the enterprise holding the prefix (if one does) is not revoked; else undefined.
   * Its rights come from the handle's own HS_ADMIN values (identityGrants).
   */
  private async heldInHandle(id: string, index: number, handle: string, secret: string): Promise<Extract<Principal, { kind: 'handle-identity' }> | undefined> {
    const { prefix } = parseIdentifier(handle);
    if (this.homing.homeOf(prefix) === undefined) return undefined;
    const [held, enterprise] = await Promise.all([this.store.getHandle(handle), this.store.getPrincipal(enterpriseIdentity(prefix))]);
    // An enterprise whose credential was revoked loses the identities it made too.
    if (held === undefined || enterprise?.revokedAtMs !== undefined) return undefined;
    const key = held.values.find((value) => value.index === index);
    if (key === undefined || !secretKeyMatches(key, secret)) return undefined;
    return { kind: 'handle-identity', id, prefix, grants: identityGrants(held.values, { handle, index }) };
  }
}
