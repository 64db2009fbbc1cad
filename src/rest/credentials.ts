import type { FastifyRequest } from 'fastify';
import type { Principal } from '../core/auth/principal.js';
import type { Authenticator } from '../core/auth/authenticator.js';
import { principalFromAuthorization, type CredentialPolicy } from '../core/auth/basic-credentials.js';

// The parsing and the transport rule live in the core, shared with the gRPC front end.
export { isLoopback, parseBasic, type CredentialPolicy } from '../core/auth/basic-credentials.js';

/**
 * The caller of a REST request: anonymous without an Authorization header, otherwise the principal its
 * credentials authenticate, HTTP Basic or a Bearer login token (see principalFromAuthorization). Throws
 * CREDENTIALS_MALFORMED, CREDENTIALS_REQUIRE_TLS, AUTHENTICATION_FAILED or TOKEN_INVALID.
 */
export async function principalOf(request: FastifyRequest, authenticator: Authenticator, policy: CredentialPolicy): Promise<Principal> {
  return principalFromAuthorization(request.headers.authorization, request.socket.remoteAddress, authenticator, policy);
}
