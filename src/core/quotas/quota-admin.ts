import { assertCanAudit, assertOperator } from '../auth/access.js';
import { enterpriseIdentity, type Principal } from '../auth/principal.js';
import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix } from '../identifier/identifier.js';
import type { PrincipalStore } from '../store/store.js';
import { parseQuotaChange, QUOTA_FIELDS, type QuotaLimits, type QuotaOverrides } from './quota-limits.js';
import type { QuotaUsage, Quotas } from './quotas.js';

/** An enterprise's quota as its owner, the operator and auditors see it. */
export interface QuotaView {
  readonly prefix: string;
  /** The limits in force (0: no limit). */
  readonly limits: QuotaLimits;
  /** What the operator set for this enterprise; the other fields are the node-wide default. */
  readonly overrides: QuotaOverrides;
  /** Today so far, as the answering process sees it (daily figures from the shared counters at the last sync). */
  readonly usage: QuotaUsage;
}

/**
 * Who may see and set quotas (docs/permissions.md): the operator sets them (admin API, `idnode enterprise
 * quota`); an enterprise reads its own; auditors and the operator read every enterprise's (the quota report).
 */
export class QuotaAdmin {
  constructor(
    private readonly quotas: Quotas,
    private readonly principals: Pick<PrincipalStore, 'getPrincipal' | 'listPrincipals'>,
  ) {}

  /**
   * Changes an enterprise's quota (operator only): each field given is set (an integer, 0 = no limit) or, when
   * null, returned to the node default. Throws AUTHENTICATION_REQUIRED / PERMISSION_DENIED, a PREFIX_* code,
   * ENTERPRISE_NOT_FOUND, REQUEST_INVALID (the change).
   */
  async set(principal: Principal, prefixInput: string, input: unknown): Promise<QuotaView> {
    assertOperator(principal, 'setting a quota');
    const prefix = await this.enterprise(prefixInput);
    const change = parseQuotaChange(input);
    const overrides: Record<string, number> = { ...this.quotas.overridesOf(prefix) };
    for (const field of QUOTA_FIELDS) {
      if (change[field] === null) delete overrides[field];
      else if (change[field] !== undefined) overrides[field] = change[field];
    }
    await this.quotas.set(prefix, overrides);
    return this.view(prefix);
  }

  /** One enterprise's quota and usage: for the operator, auditors and that enterprise. Throws as set, for reading. */
  async get(principal: Principal, prefixInput: string): Promise<QuotaView> {
    const prefix = normalisePrefix(prefixInput);
    if (!(principal.kind === 'enterprise' && principal.prefix === prefix)) {
      if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `reading the quota of ${prefix} needs credentials`);
      if (principal.kind !== 'operator' && principal.kind !== 'auditor') throw new IdnodeError('PERMISSION_DENIED', `${principal.id} may read only its own enterprise's quota`);
    }
    return this.view(await this.enterprise(prefix));
  }

  /** Every enterprise's quota and usage, for auditors and the operator. */
  async report(principal: Principal): Promise<QuotaView[]> {
    assertCanAudit(principal, 'reading the quota report');
    const enterprises = await this.principals.listPrincipals('enterprise');
    return enterprises.filter((record) => record.prefix !== undefined).map((record) => this.view(record.prefix!));
  }

  private view(prefix: string): QuotaView {
    return { prefix, limits: this.quotas.limitsOf(prefix), overrides: this.quotas.overridesOf(prefix), usage: this.quotas.usageOf(prefix) };
  }

  private async enterprise(prefixInput: string): Promise<string> {
    const prefix = normalisePrefix(prefixInput);
    if ((await this.principals.getPrincipal(enterpriseIdentity(prefix)))?.role !== 'enterprise') throw new IdnodeError('ENTERPRISE_NOT_FOUND', `no enterprise holds prefix ${prefix}`);
    return prefix;
  }
}
