import type { Metadata } from '@grpc/grpc-js';
import { principalFromAuthorization, type CredentialPolicy } from '../core/auth/basic-credentials.js';
import type { Authenticator } from '../core/auth/authenticator.js';
import type { Principal } from '../core/auth/principal.js';
import { IdnodeError } from '../core/errors/catalogue.js';

export interface CallLike {
  readonly metadata: Metadata;
  getPeer(): string;
}

/** The principal a call was authenticated as before its message was read (callGuard), by its metadata object. */
const authenticated = new WeakMap<Metadata, Principal>();

/** Keeps the principal callGuard authenticated `metadata`'s call as, so the handler does not authenticate again. */
export function rememberPrincipal(metadata: Metadata, principal: Principal): void {
  authenticated.set(metadata, principal);
}

/**
 * The caller of a gRPC call, from its `authorization` metadata entry exactly as REST reads the header
 * (anonymous without one), authenticated once per call. The plain-connection rule uses the peer's address. Throws
 * CREDENTIALS_MALFORMED, CREDENTIALS_REQUIRE_TLS or AUTHENTICATION_FAILED.
 */
export async function principalOfCall(call: CallLike, authenticator: Authenticator, policy: CredentialPolicy): Promise<Principal> {
  const known = authenticated.get(call.metadata);
  if (known !== undefined) return known;
  const entries = call.metadata.get('authorization');
  if (entries.length > 1) throw new IdnodeError('CREDENTIALS_MALFORMED', 'the call carries more than one authorization metadata entry');
  const authorization = entries[0];
  if (authorization !== undefined && typeof authorization !== 'string') {
    throw new IdnodeError('CREDENTIALS_MALFORMED', 'the authorization metadata entry must be text: "Basic <base64>"');
  }
  return principalFromAuthorization(authorization, peerAddress(call.getPeer()), authenticator, policy);
}

/** grpc-js gives the peer as "address:port" (IPv6 unbracketed) or "unknown". */
export function peerAddress(peer: string): string | undefined {
  if (peer === 'unknown') return undefined;
  return peer.replace(/:\d+$/, '');
}
