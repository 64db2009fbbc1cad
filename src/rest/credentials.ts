import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../core/auth/principal.js';
import type { Authenticator } from '../core/auth/authenticator.js';
import { principalFromAuthorization, type CredentialPolicy } from '../core/auth/basic-credentials.js';
import { IdnodeError } from '../core/errors/catalogue.js';
import { hasBody } from './raw-gate.js';

// The parsing and the transport rule live in the core, shared with the gRPC front end.
export { isLoopback, parseBasic, type CredentialPolicy } from '../core/auth/basic-credentials.js';

/** The principal each request was authenticated as before its body was read (see credentialsFirst). */
const authenticated = new WeakMap<IncomingMessage, Principal>();

/**
 * The caller of a REST request: anonymous without an Authorization header, otherwise the principal its
 * credentials authenticate, HTTP Basic or a Bearer login token (see principalFromAuthorization), authenticated once
 * per request (a write was authenticated by credentialsFirst already; its principal is reused). The header is read
 * as the route's `credentials` config says (authorizationOf). Throws CREDENTIALS_MALFORMED, CREDENTIALS_REQUIRE_TLS,
 * AUTHENTICATION_FAILED or TOKEN_INVALID.
 */
export async function principalOf(request: FastifyRequest, authenticator: Authenticator, policy: CredentialPolicy): Promise<Principal> {
  return authenticated.get(request.raw) ?? principalFromAuthorization(authorizationOf(request), request.socket.remoteAddress, authenticator, policy);
}

/** The Authorization header as the route reads it: rewritten by its `credentials` function when it has one. */
function authorizationOf(request: FastifyRequest): string | undefined {
  const credentials = request.routeOptions.config.credentials;
  return typeof credentials === 'function' ? credentials(request.headers.authorization) : request.headers.authorization;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * How a route's credentials arrive, for credentialsFirst. Absent: the Authorization header as it is.
     * 'in-body': a login, whose credentials are its body, so the hook lets it through and the route checks
     * them. A function: rewrites the Authorization header before it is read (SNMS clients send a bare token).
     */
    credentials?: 'in-body' | ((authorization: string | undefined) => string | undefined);
  }
}

/** The methods that never write: every other method needs credentials (no anonymous caller writes anything). */
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Credentials before bodies (docs/design.md §4, "Hardening"): an `onRequest` hook, which fastify runs before
 * it reads or parses a body, so a write (any method but GET/HEAD/OPTIONS, to a route that exists) is
 * authenticated from its headers first: anonymous → 401 AUTHENTICATION_REQUIRED, bad credentials →
 * CREDENTIALS_MALFORMED / AUTHENTICATION_FAILED / CREDENTIALS_REQUIRE_TLS, all before one byte of the body is
 * buffered. Then the body's framing is checked from the headers: a Content-Encoding other than identity, or
 * a charset other than UTF-8, is refused with BODY_UNSUPPORTED_MEDIA_TYPE (the node stores text as UTF-8 and
 * decompresses nothing). A refusal of a request with a body closes the connection, so the body is never read.
 */
export function credentialsFirst(app: FastifyInstance, authenticator: Authenticator, policy: CredentialPolicy): void {
  app.addHook('onRequest', async (request, reply) => {
    const credentials = request.routeOptions.config.credentials;
    if (READS.has(request.method) || request.routeOptions.url === undefined || credentials === 'in-body') return;
    try {
      const principal = await principalFromAuthorization(authorizationOf(request), request.socket.remoteAddress, authenticator, policy);
      if (principal.kind === 'anonymous') {
        throw new IdnodeError('AUTHENTICATION_REQUIRED', `${request.method} ${request.routeOptions.url} needs credentials; send HTTP Basic {index}:{handle} and the secret`);
      }
      authenticated.set(request.raw, principal);
      assertPlainUtf8Body(request);
    } catch (error) {
      if (hasBody(request.raw)) reply.header('connection', 'close');
      throw error;
    }
  });
}

/** Throws BODY_UNSUPPORTED_MEDIA_TYPE for an encoded body or a charset other than UTF-8. */
function assertPlainUtf8Body(request: FastifyRequest): void {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `Content-Encoding "${encoding.slice(0, 32)}" is not supported; send the body uncompressed (identity)`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `charset "${charset.slice(0, 32)}" is not supported; send the body as UTF-8`);
  }
}
