import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';
import type { Clock, Random } from '../clock/clock.js';
import type { HomedPrefixes } from '../homing/homed-prefixes.js';
import type { PrincipalRecord, PrincipalRole, PrincipalStore, StoredSecret } from '../store/store.js';
import { assertOperator } from '../auth/access.js';
import { enterpriseIdentity, IDENTITY_INDEX, normaliseIdentity, type Principal } from '../auth/principal.js';
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
 * Operator actions on credentials: allocate enterprise prefixes with their credential, revoke, reinstate,
 * rotate secrets, and the node's own operator and auditor identities (add, list, revoke). Shared by the admin REST API and the CLI
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
    if (!issued) {
      // A revoked enterprise keeps its prefix (its identifiers are still there): the way back is reinstating it.
      const revoked = (await this.store.getPrincipal(id))?.revokedAtMs !== undefined;
      throw new IdnodeError(
        'ENTERPRISE_PREFIX_TAKEN',
        revoked
          ? `prefix ${prefix} is allocated to an enterprise whose credential was revoked; reinstate it to issue a new secret (${reinstateHint(prefix)})`
          : `prefix ${prefix} is already allocated to an enterprise`,
      );
    }
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

  /**
   * Lifts the revocation of an enterprise and issues it a new secret (the secret it had before never works
   * again, nor do tokens issued with it). Its prefix and identifiers were kept while it was revoked. Throws
   * ENTERPRISE_NOT_FOUND, REQUEST_INVALID when it is not revoked (rotateEnterpriseSecret is for that).
   */
  async reinstateEnterprise(principal: Principal, prefixInput: string): Promise<IssuedCredential> {
    assertOperator(principal, 'reinstating an enterprise');
    const record = await this.enterprise(prefixInput);
    const prefix = record.prefix!;
    const secret = generateSecret(this.random);
    const stored = storeSecret(secret, this.random);
    if (!(await this.store.reinstatePrincipal(record.id, stored))) {
      throw new IdnodeError('REQUEST_INVALID', `enterprise ${prefix} is not revoked, so there is nothing to reinstate; rotate its secret to issue a new one`);
    }
    await this.onSecretIssued(record.id, secret, stored);
    this.onEnterpriseChanged(prefix);
    return { id: record.id, secret, prefix };
  }

  /** Issues a new secret; the old one stops working at once. Throws ENTERPRISE_NOT_FOUND, PRINCIPAL_REVOKED. */
  async rotateEnterpriseSecret(principal: Principal, prefixInput: string): Promise<IssuedCredential> {
    assertOperator(principal, 'rotating a secret');
    const record = await this.enterprise(prefixInput);
    // Only enterprises are ever revoked (auditors get a new credential instead, the operator never is).
    if (record.revokedAtMs !== undefined) {
      throw new IdnodeError('PRINCIPAL_REVOKED', `${record.id} was revoked, so its secret cannot be rotated; reinstate it, which issues a new secret (${reinstateHint(record.prefix!)})`);
    }
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

  /** Every auditor, revoked ones included, by id. */
  async listAuditors(principal: Principal): Promise<PrincipalSummary[]> {
    assertOperator(principal, 'listing auditors');
    return (await this.store.listPrincipals('auditor')).map(summarise);
  }

  /**
   * Revokes an auditor's credential at once (a second revocation changes nothing and answers the same).
   * Throws CREDENTIALS_MALFORMED for an id that is not {index}:{handle}, AUDITOR_NOT_FOUND for one that names
   * no auditor.
   */
  async revokeAuditor(principal: Principal, idInput: string): Promise<PrincipalSummary> {
    assertOperator(principal, 'revoking an auditor');
    const { id } = normaliseIdentity(idInput);
    const record = await this.store.getPrincipal(id);
    if (record?.role !== 'auditor') throw new IdnodeError('AUDITOR_NOT_FOUND', `no auditor has the identity ${id}`);
    if (record.revokedAtMs === undefined) await this.store.revokePrincipal(id, this.clock.now());
    return summarise((await this.store.getPrincipal(id))!);
  }

  private async insert(fields: Pick<PrincipalRecord, 'id' | 'role' | 'prefix' | 'name'>): Promise<IssuedCredential | undefined> {
    const secret = generateSecret(this.random);
    const stored = storeSecret(secret, this.random);
    const inserted = await this.store.insertPrincipal({ ...fields, secret: stored, createdAtMs: this.clock.now(), revokedAtMs: undefined });
    if (!inserted) return undefined;
    await this.onSecretIssued(fields.id, secret, stored);
    return { id: fields.id, secret };
  }

  /** Issues `record` a new secret (the caller has checked it may: rotateEnterpriseSecret refuses a revoked one). */
  private async rotate(record: PrincipalRecord): Promise<IssuedCredential> {
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

/** Where an operator reinstates an enterprise, named in the messages that lead there. */
function reinstateHint(prefix: string): string {
  return `idnode enterprise reinstate --prefix ${prefix}, or POST /api/v1/enterprises/${prefix}/reinstate`;
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
