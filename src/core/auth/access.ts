import { IdnodeError } from '../errors/catalogue.js';
import type { Principal } from './principal.js';

/**
 * Rights (docs/design.md §1): the operator reads and writes every homed prefix; an enterprise reads and writes
 * identifiers under exactly the prefix allocated to it (a derived prefix such as 88.999.1.2 is allocated
 * on its own, possibly to someone else); auditors and anonymous callers read public values only and
 * write nothing.
 */
export function canReadPrivate(principal: Principal, prefix: string): boolean {
  return principal.kind === 'operator' || (principal.kind === 'enterprise' && principal.prefix === prefix);
}

/** Throws AUTHENTICATION_REQUIRED for anonymous callers and PERMISSION_DENIED for anyone without the right. */
export function assertCanWrite(principal: Principal, prefix: string, handle: string): void {
  if (principal.kind === 'operator') return;
  if (principal.kind === 'enterprise' && principal.prefix === prefix) return;
  if (principal.kind === 'anonymous') {
    throw new IdnodeError('AUTHENTICATION_REQUIRED', `writing ${handle} needs credentials`, { handle });
  }
  const who = principal.kind === 'enterprise' ? `enterprise ${principal.id} (prefix ${principal.prefix})` : `${principal.kind} ${principal.id}`;
  throw new IdnodeError('PERMISSION_DENIED', `${who} may not write under prefix ${prefix}`, { handle });
}

/**
 * Throws unless the caller may write identifiers at all (the operator or an enterprise): a batch or an import is
 * refused whole, up front, for callers who could write none of its items. Which items an enterprise may write
 * is still decided per item by assertCanWrite.
 */
export function assertMayRegister(principal: Principal): void {
  if (principal.kind === 'operator' || principal.kind === 'enterprise') return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', 'registering identifiers needs credentials');
  throw new IdnodeError('PERMISSION_DENIED', `auditor ${principal.id} may not register identifiers`);
}

/** Throws unless the caller is the operator. */
export function assertOperator(principal: Principal, action: string): void {
  if (principal.kind === 'operator') return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `${action} needs operator credentials`);
  throw new IdnodeError('PERMISSION_DENIED', `${action} is for the node operator only; ${principal.id} is ${principal.kind === 'enterprise' ? 'an enterprise' : 'an auditor'}`);
}

/** Throws unless the caller may list identifiers under `prefix` (operator, or the enterprise holding it). */
export function assertCanList(principal: Principal, prefix: string): void {
  if (canReadPrivate(principal, prefix)) return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `listing identifiers under ${prefix} needs credentials`);
  throw new IdnodeError('PERMISSION_DENIED', `${principal.id} may not list identifiers under ${prefix}`);
}

/**
 * Throws unless the caller may read metering, eligibility reports and the ledger: auditors and the operator
 * (docs/design.md §1). AUTHENTICATION_REQUIRED for anonymous callers, PERMISSION_DENIED for enterprises.
 */
export function assertCanAudit(principal: Principal, action: string): void {
  if (principal.kind === 'operator' || principal.kind === 'auditor') return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `${action} needs auditor or operator credentials`);
  throw new IdnodeError('PERMISSION_DENIED', `${action} is for auditors and the operator; ${principal.id} is an enterprise`);
}
