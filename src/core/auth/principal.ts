import { IdnodeError } from '../errors/catalogue.js';
import { normalisePrefix, parseIdentifier } from '../identifier/identifier.js';

/** Who is calling. Front ends produce one per request (anonymous when no credentials were sent). */
export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'operator'; readonly id: string }
  | { readonly kind: 'enterprise'; readonly id: string; readonly prefix: string }
  | { readonly kind: 'auditor'; readonly id: string }
  /**
   * An identity held in a handle: `id` is `{index}:{handle}` of an HS_SECKEY value in a handle under `prefix`
   * (docs/permissions.md, "Identities held in handles"). Its rights are `grants`, never beyond `prefix`.
   */
  | { readonly kind: 'handle-identity'; readonly id: string; readonly prefix: string; readonly grants: IdentityGrants };

/**
 * What a handle-held identity may do under its prefix, read from the HS_ADMIN values of its own handle at each
 * request (identityGrants in access.ts): write identifiers (create, change, delete, batch, import), read values
 * without publicRead, list the prefix's identifiers.
 */
export interface IdentityGrants {
  readonly write: boolean;
  readonly readPrivate: boolean;
  readonly list: boolean;
}

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/**
 * The operator at the machine: whoever holds the data directory (or the database) can change anything in it
 * anyway, so the commands that open the store directly (the CLI's admin commands, the first start) act as
 * the operator, and say so by passing this principal. It has no credential and no front end produces it.
 */
export const LOCAL_OPERATOR: Principal = Object.freeze({ kind: 'operator', id: 'local-operator (holder of the data directory)' });

/** How logs name a caller: its identity `{index}:{handle}`, or "anonymous". */
export function principalId(principal: Principal): string {
  return principal.kind === 'anonymous' ? 'anonymous' : principal.id;
}

/** Credential identities are `{index}:{handle}`; enterprises get index 300 on `0.NA/<their prefix>`. */
export const IDENTITY_INDEX = 300;

export function enterpriseIdentity(prefix: string): string {
  return `${IDENTITY_INDEX}:0.NA/${prefix}`;
}

/**
 * Normalises an identity `{index}:{handle}` (the handle's prefix is case-folded like any identifier).
 * Throws CREDENTIALS_MALFORMED naming what is wrong.
 */
export function normaliseIdentity(id: string): { id: string; index: number; handle: string } {
  const colon = id.indexOf(':');
  const indexText = colon < 0 ? '' : id.slice(0, colon);
  if (!/^[1-9][0-9]{0,9}$/.test(indexText) || Number(indexText) > 2147483647) {
    throw new IdnodeError('CREDENTIALS_MALFORMED', `identity "${id}" is not {index}:{handle} with a positive integer index`);
  }
  let handle: string;
  try {
    const parsed = parseIdentifier(id.slice(colon + 1));
    // A 0.NA handle names a prefix, and prefixes are case-insensitive: 0.NA/88.999.demo is 0.NA/88.999.DEMO.
    handle = parsed.prefix === '0.NA' ? `0.NA/${normalisePrefix(parsed.suffix)}` : parsed.handle;
  } catch (error) {
    throw new IdnodeError('CREDENTIALS_MALFORMED', `identity "${id}" does not name a valid handle: ${(error as Error).message}`);
  }
  const index = Number(indexText);
  return { id: `${index}:${handle}`, index, handle };
}
