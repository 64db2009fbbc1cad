import { IdnodeError } from '../errors/catalogue.js';
import type { PrincipalStore } from '../store/store.js';
import { normaliseIdentity, type Principal } from './principal.js';
import { verifySecret } from './secrets.js';

/**
 * Turns presented credentials into a Principal. Reads the principal from the store on every call, so a
 * revocation or rotation (by this process, another replica or the CLI) takes effect at the next request.
 */
export class Authenticator {
  constructor(private readonly store: PrincipalStore) {}

  /** Throws CREDENTIALS_MALFORMED for a malformed identity, AUTHENTICATION_FAILED for anything else. */
  async authenticate(identity: string, secret: string): Promise<Principal> {
    const { id } = normaliseIdentity(identity);
    const record = await this.store.getPrincipal(id);
    // One message for unknown, revoked and wrong secret: a caller learns nothing about which identities exist.
    if (!record || record.revokedAtMs !== undefined || !verifySecret(secret, record.secret)) {
      throw new IdnodeError('AUTHENTICATION_FAILED', `authentication failed for "${id}": unknown identity, wrong secret or revoked credential`);
    }
    switch (record.role) {
      case 'enterprise':
        return { kind: 'enterprise', id, prefix: record.prefix! };
      case 'operator':
        return { kind: 'operator', id };
      case 'auditor':
        return { kind: 'auditor', id };
    }
  }
}
