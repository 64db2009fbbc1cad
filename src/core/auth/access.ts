import { IdnodeError } from '../errors/catalogue.js';
import { TYPE_HS_ADMIN, type HandleValue } from '../values/handle-value.js';
import type { IdentityGrants, Principal } from './principal.js';

/**
 * Rights (docs/design.md §1, docs/permissions.md): the operator reads and writes every homed prefix; an
 * enterprise reads and writes identifiers under exactly the prefix allocated to it (a derived prefix such as
 * 88.999.1.2 is allocated on its own, possibly to someone else); an identity held in a handle has, under the
 * prefix of its handle only, what its grants say (identityGrants); auditors and anonymous callers read public
 * values only and write nothing.
 */
export function canReadPrivate(principal: Principal, prefix: string): boolean {
  return ownsPrefix(principal, prefix) || (principal.kind === 'handle-identity' && principal.prefix === prefix && principal.grants.readPrivate);
}

/** Throws AUTHENTICATION_REQUIRED for anonymous callers and PERMISSION_DENIED for anyone without the right. */
export function assertCanWrite(principal: Principal, prefix: string, handle: string): void {
  if (ownsPrefix(principal, prefix) || (principal.kind === 'handle-identity' && principal.prefix === prefix && principal.grants.write)) return;
  if (principal.kind === 'anonymous') {
    throw new IdnodeError('AUTHENTICATION_REQUIRED', `writing ${handle} needs credentials`, { handle });
  }
  throw new IdnodeError('PERMISSION_DENIED', `${who(principal)} may not write under prefix ${prefix}`, { handle });
}

/**
 * Throws unless the caller may write identifiers at all (the operator, an enterprise, an identity granted
 * write): a batch or an import is refused whole, up front, for callers who could write none of its items.
 * Which items it may write is still decided per item by assertCanWrite.
 */
export function assertMayRegister(principal: Principal): void {
  if (principal.kind === 'operator' || principal.kind === 'enterprise') return;
  if (principal.kind === 'handle-identity' && principal.grants.write) return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', 'registering identifiers needs credentials');
  throw new IdnodeError('PERMISSION_DENIED', `${who(principal)} may not register identifiers`);
}

/** Throws unless the caller is the operator. */
export function assertOperator(principal: Principal, action: string): void {
  if (principal.kind === 'operator') return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `${action} needs operator credentials`);
  throw new IdnodeError('PERMISSION_DENIED', `${action} is for the node operator only; ${principal.id} is ${KIND_TEXT[principal.kind]}`);
}

/**
 * Throws unless the caller may list identifiers under `prefix`: the operator, the enterprise holding it, an
 * identity of that prefix granted listing.
 */
export function assertCanList(principal: Principal, prefix: string): void {
  if (ownsPrefix(principal, prefix) || (principal.kind === 'handle-identity' && principal.prefix === prefix && principal.grants.list)) return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `listing identifiers under ${prefix} needs credentials`);
  throw new IdnodeError('PERMISSION_DENIED', `${principal.id} may not list identifiers under ${prefix}`);
}

/**
 * Throws unless the caller may read metering, eligibility reports and the ledger: auditors and the operator
 * (docs/design.md §1). AUTHENTICATION_REQUIRED for anonymous callers, PERMISSION_DENIED for everyone else.
 */
export function assertCanAudit(principal: Principal, action: string): void {
  if (principal.kind === 'operator' || principal.kind === 'auditor') return;
  if (principal.kind === 'anonymous') throw new IdnodeError('AUTHENTICATION_REQUIRED', `${action} needs auditor or operator credentials`);
  throw new IdnodeError('PERMISSION_DENIED', `${action} is for auditors and the operator; ${principal.id} is ${KIND_TEXT[principal.kind]}`);
}

/**
 * HANDLE.NET's HS_ADMIN permission digits, by position: add handle, delete handle, add derived prefix, delete
 * derived prefix, modify value, remove value, add value, read value, modify admin, remove admin, add admin,
 * list handles.
 */
const ADD_HANDLE = 0;
const DELETE_HANDLE = 1;
const MODIFY_VALUE = 4;
const REMOVE_VALUE = 5;
const ADD_VALUE = 6;
const READ_VALUE = 7;
const MODIFY_ADMIN = 8;
const REMOVE_ADMIN = 9;
const ADD_ADMIN = 10;
const LIST_HANDLES = 11;
/** Writing an identifier may create, delete and change any of its values, HS_ADMIN ones included. */
const WRITE_DIGITS = [ADD_HANDLE, DELETE_HANDLE, MODIFY_VALUE, REMOVE_VALUE, ADD_VALUE, MODIFY_ADMIN, REMOVE_ADMIN, ADD_ADMIN];

/**
 * The rights of the identity `{index}:{handle}` under its handle's prefix, from `values`, the values of that
 * same handle: the HS_ADMIN values naming the identity itself (handle and index equal) stand in for HANDLE.NET's
 * HS_ADMIN entries on the prefix handle 0.NA/<prefix>, which enterprises cannot write here. Their permission
 * digits are combined (any value granting a digit grants it), and mapped to idnode's coarser rights, each only
 * when every HANDLE.NET right it stands for is granted (docs/permissions.md):
 * - write: add handle, delete handle, modify / remove / add value, modify / remove / add admin;
 * - readPrivate: read value;
 * - list: list handles.
 * Derived prefixes (add/delete NA) are never granted: only the operator allocates prefixes. Whoever wrote the
 * handle could already write under its prefix, so an identity never holds more than its creator did.
 */
export function identityGrants(values: readonly HandleValue[], identity: { readonly handle: string; readonly index: number }): IdentityGrants {
  const granted = new Array<boolean>(12).fill(false);
  for (const value of values) {
    const data = value.data;
    if (value.type !== TYPE_HS_ADMIN || data.format !== 'admin' || data.value.handle !== identity.handle || data.value.index !== identity.index) continue;
    for (let digit = 0; digit < 12; digit++) if (data.value.permissions[digit] === '1') granted[digit] = true;
  }
  return { write: WRITE_DIGITS.every((digit) => granted[digit]), readPrivate: granted[READ_VALUE]!, list: granted[LIST_HANDLES]! };
}

/** The operator, or the enterprise holding exactly `prefix`. */
function ownsPrefix(principal: Principal, prefix: string): boolean {
  return principal.kind === 'operator' || (principal.kind === 'enterprise' && principal.prefix === prefix);
}

const KIND_TEXT = { enterprise: 'an enterprise', auditor: 'an auditor', 'handle-identity': 'an identity held in a handle' } as const;

/** How a refusal names the caller. */
function who(principal: Exclude<Principal, { kind: 'anonymous' }>): string {
  switch (principal.kind) {
    case 'enterprise':
      return `enterprise ${principal.id} (prefix ${principal.prefix})`;
    case 'handle-identity':
      return `identity ${principal.id} (${principal.grants.write ? `writes under ${principal.prefix} only` : 'not granted write by the HS_ADMIN values of its handle'})`;
    default:
      return `${principal.kind} ${principal.id}`;
  }
}
