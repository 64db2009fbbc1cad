import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';
import type { Clock, Random } from '../clock/clock.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import type { PrincipalRecord, PrincipalRole, PrincipalStore, StoredSecret } from '../store/store.js';
import { assertOperator } from '../auth/access.js';
import { enterpriseIdentity, IDENTITY_INDEX, type Principal } from '../auth/principal.js';
import { generateSecret, storeSecret } from '../auth/secrets.js';

/** What an operator sees of a principal; the secret hash never leaves the store layer. */
export interface PrincipalSummary {
  readonly id: string;
  readonly role: PrincipalRole;
  readonly prefix?: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** Issued credentials: the only moment the secret exists outside the caller's hands. */
export interface IssuedCredential {
  readonly id: string;
  readonly secret: string;
  readonly prefix?: string;
}

const MAX_NAME_LENGTH = 200;

/**
 * Operator actions on credentials: allocate enterprise prefixes with their credential, revoke, rotate
 * secrets, and the node's own operator and auditor identities. Shared by the admin REST API and the CLI
 * (which acts as LOCAL_OPERATOR). Every method is for the operator and checks that first: it throws
 * AUTHENTICATION_REQUIRED (anonymous) or PERMISSION_DENIED (enterprises, auditors) before anything else.
 */
export class PrincipalsAdmin {
  constructor(
    private readonly store: PrincipalStore,
    private readonly homing: HomedPrefixes,
    private readonly clock: Clock,
    private readonly random: Random,
    /** Told each enterprise prefix allocated or revoked (its prefix handle 0.NA/<prefix> changed). */
    private readonly onEnterpriseChanged: (prefix: string) => void = () => {},
    /**
     * Told each secret issued, once stored (Tokens.keepLoginDigest keeps what verifies hashed logins). Its
     * failure fails the call after the secret was stored; the new secret then works for every other login.
     */
    private readonly onSecretIssued: (id: string, secret: string, stored: StoredSecret) => Promise<void> = async () => {},
  ) {}

  /**
   * Allocates `prefix` (strictly below a homed node prefix) to an enterprise and issues its credential
   * `300:0.NA/<prefix>`. Throws NOT_HOMED, ENTERPRISE_PREFIX_TAKEN, REQUEST_INVALID (name).
   */
  async addEnterprise(principal: Principal, input: { prefix: string; name: string }): Promise<IssuedCredential> {
    assertOperator(principal, 'adding an enterprise');
    const prefix = normalisePrefix(input.prefix);
    const name = checkName(input.name);
    const home = this.homing.homeOf(prefix);
    if (home === undefined || home === prefix) {
      throw new IdnodeError('NOT_HOMED', `enterprise prefix ${prefix} must lie below a prefix homed on this node (${this.homedList()})`);
    }
    const id = enterpriseIdentity(prefix);
    const issued = await this.insert({ id, role: 'enterprise', prefix, name });
    if (!issued) throw new IdnodeError('ENTERPRISE_PREFIX_TAKEN', `prefix ${prefix} is already allocated to an enterprise`);
    this.onEnterpriseChanged(prefix);
    return { ...issued, prefix };
  }

  async listEnterprises(principal: Principal): Promise<PrincipalSummary[]> {
    assertOperator(principal, 'listing enterprises');
    return (await this.store.listPrincipals('enterprise')).map(summarise);
  }

  /** Revokes at once (the next request with the old credential fails). Throws ENTERPRISE_NOT_FOUND. */
  async revokeEnterprise(principal: Principal, prefixInput: string): Promise<PrincipalSummary> {
    assertOperator(principal, 'revoking an enterprise');
    const record = await this.enterprise(prefixInput);
    if (record.revokedAtMs === undefined) {
      await this.store.revokePrincipal(record.id, this.clock.now());
      this.onEnterpriseChanged(record.prefix!);
    }
    return summarise((await this.store.getPrincipal(record.id))!);
  }

  /** Issues a new secret; the old one stops working at once. Throws ENTERPRISE_NOT_FOUND, PRINCIPAL_REVOKED. */
  async rotateEnterpriseSecret(principal: Principal, prefixInput: string): Promise<IssuedCredential> {
    assertOperator(principal, 'rotating a secret');
    const record = await this.enterprise(prefixInput);
    return { ...(await this.rotate(record)), prefix: record.prefix! };
  }

  /**
   * The operator identity is `300:0.NA/<first node prefix>`. Creates it when absent and returns the
   * secret; returns `undefined` when it already exists (its secret was shown once, at creation).
   */
  async ensureOperator(principal: Principal, nodePrefix: string): Promise<IssuedCredential | undefined> {
    assertOperator(principal, 'creating the operator');
    const id = `${IDENTITY_INDEX}:0.NA/${normalisePrefix(nodePrefix)}`;
    return this.insert({ id, role: 'operator', prefix: undefined, name: 'operator' });
  }

  /** Issues a new operator secret (recovery path for an operator who lost it; CLI only). */
  async rotateOperatorSecret(principal: Principal, nodePrefix: string): Promise<IssuedCredential> {
    assertOperator(principal, 'rotating the operator secret');
    const id = `${IDENTITY_INDEX}:0.NA/${normalisePrefix(nodePrefix)}`;
    const record = await this.store.getPrincipal(id);
    if (!record) return (await this.ensureOperator(principal, nodePrefix))!;
    return this.rotate(record);
  }

  /** Auditors read metering, reports and the ledger and write nothing. Identity `300:0.NA/AUDITOR.<n>`. */
  async addAuditor(principal: Principal, nameInput: string): Promise<IssuedCredential> {
    assertOperator(principal, 'adding an auditor');
    const name = checkName(nameInput);
    for (;;) {
      const id = `${IDENTITY_INDEX}:0.NA/AUDITOR.${this.random.bytes(4).toString('hex').toUpperCase()}`;
      const issued = await this.insert({ id, role: 'auditor', prefix: undefined, name });
      if (issued) return issued;
    }
  }

  private async insert(fields: Pick<PrincipalRecord, 'id' | 'role' | 'prefix' | 'name'>): Promise<IssuedCredential | undefined> {
    const secret = generateSecret(this.random);
    const stored = storeSecret(secret, this.random);
    const inserted = await this.store.insertPrincipal({ ...fields, secret: stored, createdAtMs: this.clock.now(), revokedAtMs: undefined });
    if (!inserted) return undefined;
    await this.onSecretIssued(fields.id, secret, stored);
    return { id: fields.id, secret };
  }

  private async rotate(record: PrincipalRecord): Promise<IssuedCredential> {
    if (record.revokedAtMs !== undefined) {
      throw new IdnodeError('PRINCIPAL_REVOKED', `${record.id} was revoked; allocate a new credential instead of rotating a revoked one`);
    }
    const secret = generateSecret(this.random);
    const stored = storeSecret(secret, this.random);
    await this.store.updatePrincipalSecret(record.id, stored);
    await this.onSecretIssued(record.id, secret, stored);
    return { id: record.id, secret };
  }

  private async enterprise(prefixInput: string): Promise<PrincipalRecord> {
    const prefix = normalisePrefix(prefixInput);
    const record = await this.store.getPrincipal(enterpriseIdentity(prefix));
    if (!record) throw new IdnodeError('ENTERPRISE_NOT_FOUND', `no enterprise holds prefix ${prefix}`);
    return record;
  }

  private homedList(): string {
    return this.homing.list().map((homed) => homed.prefix).join(', ') || 'none';
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > MAX_NAME_LENGTH || !name.isWellFormed()) {
    throw new IdnodeError('REQUEST_INVALID', `name must be non-empty text of at most ${MAX_NAME_LENGTH} characters`);
  }
  return name.trim();
}

function summarise(record: PrincipalRecord): PrincipalSummary {
  return {
    id: record.id,
    role: record.role,
    ...(record.prefix === undefined ? {} : { prefix: record.prefix }),
    name: record.name,
    createdAt: new Date(record.createdAtMs).toISOString(),
    ...(record.revokedAtMs === undefined ? {} : { revokedAt: new Date(record.revokedAtMs).toISOString() }),
  };
}
