import type { PrincipalRecord, PrincipalRole, StoredSecret } from '../../core/store/store.js';
import { compareUtf8 } from '../../core/store/utf8-order.js';

/**
 * The principals of the in-memory store. Records are kept frozen, with their own copies of the secret's bytes
 * (a Buffer cannot be frozen), and handed out with fresh copies of those bytes: no caller can change a stored
 * secret through a buffer it passed in or got back. Reads are rare next to resolutions, and the bytes are 48.
 */
export class MemoryPrincipals {
  readonly #byId = new Map<string, PrincipalRecord>();

  /** See PrincipalStore.insertPrincipal. */
  insert(principal: PrincipalRecord): boolean {
    if (this.#byId.has(principal.id)) return false;
    this.#byId.set(principal.id, kept(principal, principal.secret, principal.revokedAtMs));
    return true;
  }

  /** See PrincipalStore.getPrincipal. */
  get(id: string): PrincipalRecord | undefined {
    const principal = this.#byId.get(id);
    return principal === undefined ? undefined : handedOut(principal);
  }

  /** See PrincipalStore.listPrincipals. */
  list(role: PrincipalRole | undefined): PrincipalRecord[] {
    const listed: PrincipalRecord[] = [];
    for (const principal of this.#byId.values()) if (role === undefined || principal.role === role) listed.push(handedOut(principal));
    return listed.sort((a, b) => compareUtf8(a.id, b.id));
  }

  /** See PrincipalStore.updatePrincipalSecret. */
  updateSecret(id: string, secret: StoredSecret): boolean {
    const principal = this.#byId.get(id);
    if (principal === undefined) return false;
    this.#byId.set(id, kept(principal, secret, principal.revokedAtMs));
    return true;
  }

  /** See PrincipalStore.revokePrincipal. */
  revoke(id: string, revokedAtMs: number): boolean {
    const principal = this.#byId.get(id);
    if (principal === undefined || principal.revokedAtMs !== undefined) return false;
    this.#byId.set(id, kept(principal, principal.secret, revokedAtMs));
    return true;
  }

  /** See PrincipalStore.reinstatePrincipal. */
  reinstate(id: string, secret: StoredSecret): boolean {
    const principal = this.#byId.get(id);
    if (principal === undefined || principal.revokedAtMs === undefined) return false;
    this.#byId.set(id, kept(principal, secret, undefined));
    return true;
  }
}

/** A frozen copy of `principal` with the given secret (its bytes copied) and revocation time. */
function kept(principal: PrincipalRecord, secret: StoredSecret, revokedAtMs: number | undefined): PrincipalRecord {
  return Object.freeze({
    id: principal.id,
    role: principal.role,
    prefix: principal.prefix,
    name: principal.name,
    secret: Object.freeze({ hash: Buffer.from(secret.hash), salt: Buffer.from(secret.salt) }),
    createdAtMs: principal.createdAtMs,
    revokedAtMs,
  });
}

/** The stored record with its own copies of the secret's bytes. */
function handedOut(principal: PrincipalRecord): PrincipalRecord {
  return Object.freeze({ ...principal, secret: Object.freeze({ hash: Buffer.from(principal.secret.hash), salt: Buffer.from(principal.secret.salt) }) });
}
