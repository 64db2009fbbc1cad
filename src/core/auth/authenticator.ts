import { IdnodeError } from '../errors/catalogue.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import { parseIdentifier } from '../identifier/identifier.js';
import type { HandleStore, PrincipalStore } from '../store/store.js';
import { identityGrants } from './access.js';
import { enterpriseIdentity, normaliseIdentity, type Principal } from './principal.js';
import { secretKeyMatches } from './secret-keys.js';
import { verifySecret } from './secrets.js';
import { principalOfRecord, type Tokens } from './tokens.js';

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
export class Authenticator {
  constructor(
    private readonly store: PrincipalStore & Pick<HandleStore, 'getHandle'>,
    private readonly homing: Pick<HomedPrefixes, 'homeOf'>,
    private readonly tokens: Pick<Tokens, 'principalOf'>,
  ) {}

  /** Throws CREDENTIALS_MALFORMED for a malformed identity, AUTHENTICATION_FAILED for anything else. */
  async authenticate(identity: string, secret: string): Promise<Principal> {
    const { id, index, handle } = normaliseIdentity(identity);
    const record = await this.store.getPrincipal(id);
    const principal = record === undefined ? await this.heldInHandle(id, index, handle, secret) : undefined;
    if (principal !== undefined) return principal;
    // One message for unknown, revoked and wrong secret: a caller learns nothing about which identities exist.
    if (!record || record.revokedAtMs !== undefined || !verifySecret(secret, record.secret)) {
      throw new IdnodeError('AUTHENTICATION_FAILED', `authentication failed for "${id}": unknown identity, wrong secret or revoked credential`);
    }
    return principalOfRecord(record);
  }

  /** The principal of a bearer token issued at login (see Tokens). Throws TOKEN_INVALID. */
  async authenticateToken(token: string): Promise<Principal> {
    return this.tokens.principalOf(token);
  }

  /**
   * The identity held at `index` of `handle`, when `secret` is that HS_SECKEY value's secret, the handle's
   * prefix is homed here and the enterprise holding the prefix (if one does) is not revoked; else undefined.
   * Its rights come from the handle's own HS_ADMIN values (identityGrants).
   */
  private async heldInHandle(id: string, index: number, handle: string, secret: string): Promise<Principal | undefined> {
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
