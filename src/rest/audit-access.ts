import type { FastifyRequest } from 'fastify';
import { assertCanAudit } from '../core/auth/access.js';
import type { Principal } from '../core/auth/principal.js';
import type { IdNode } from '../core/node.js';
import { principalOf, type CredentialPolicy } from './credentials.js';

/** The caller, who must be an auditor or the operator (throws AUTHENTICATION_REQUIRED / PERMISSION_DENIED). */
export async function auditorOf(request: FastifyRequest, node: IdNode, policy: CredentialPolicy, action: string): Promise<Principal> {
  const principal = await principalOf(request, node.authenticator, policy);
  assertCanAudit(principal, action);
  return principal;
}
