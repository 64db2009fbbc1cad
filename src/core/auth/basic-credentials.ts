import { IdnodeError } from '../errors/catalogue.js';
import type { Authenticator } from './authenticator.js';
import { ANONYMOUS, type Principal } from './principal.js';

/** When credentials may travel over a connection without TLS. Shared by every front end that takes Basic credentials. */
export interface CredentialPolicy {
  /** TLS is on: credentials are accepted from anywhere. */
  readonly tls: boolean;
  /** Operator's explicit choice (e.g. TLS terminated by a proxy in front): accept credentials over plain connections. */
  readonly allowRemoteCredentialsOverHttp: boolean;
}

/**
 * The caller behind an `authorization` value (HTTP header or gRPC metadata): anonymous when there is none,
 * otherwise the principal its credentials authenticate: `Bearer <token>` (a login token, see Tokens) or Basic,
 * username `{index}:{handle}` (the colon may be
 * percent-encoded as %3A), password the secret. `remoteAddress` is the peer's IP address (undefined when
 * unknown, which counts as not loopback). Throws CREDENTIALS_MALFORMED, CREDENTIALS_REQUIRE_TLS,
 * AUTHENTICATION_THROTTLED or AUTHENTICATION_FAILED, or TOKEN_INVALID for a bearer token.
 */
export async function principalFromAuthorization(
  authorization: string | undefined,
  remoteAddress: string | undefined,
  authenticator: Authenticator,
  policy: CredentialPolicy,
): Promise<Principal> {
  if (authorization === undefined) return ANONYMOUS;
  if (!policy.tls && !policy.allowRemoteCredentialsOverHttp && !isLoopback(remoteAddress)) {
    throw new IdnodeError('CREDENTIALS_REQUIRE_TLS', 'credentials over a plain (non-TLS) connection are accepted from loopback only; connect over TLS');
  }
  const bearer = /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization);
  if (bearer) return authenticator.authenticateToken(bearer[1]!);
  const { identity, secret } = parseBasic(authorization);
  return authenticator.authenticate(identity, secret, remoteAddress);
}

/** Splits a Basic header into identity and secret. Throws CREDENTIALS_MALFORMED. */
export function parseBasic(header: string): { identity: string; secret: string } {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) throw new IdnodeError('CREDENTIALS_MALFORMED', 'Authorization header must be "Basic <base64 of {index}:{handle}:{secret}>" or "Bearer <login token>"');
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  // The identity itself holds a colon ({index}:{handle}) and a handle may hold more; secrets never do.
  // So: with a percent-encoded identity the first colon separates; otherwise the last one does.
  const encodedColon = /^[0-9]+%3A/i.test(decoded);
  const separator = encodedColon ? decoded.indexOf(':') : decoded.lastIndexOf(':');
  if (separator <= 0 || separator === decoded.length - 1) {
    throw new IdnodeError('CREDENTIALS_MALFORMED', 'Basic credentials must be "{index}:{handle}" as username and the secret as password');
  }
  let identity = decoded.slice(0, separator);
  if (encodedColon) {
    try {
      identity = decodeURIComponent(identity);
    } catch {
      throw new IdnodeError('CREDENTIALS_MALFORMED', 'the percent-encoded username is not valid UTF-8');
    }
  }
  return { identity, secret: decoded.slice(separator + 1) };
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
