import { IdnodeError, isIdnodeError } from '../core/errors/catalogue.js';
import type { RemoteAnswer, RemoteResolver, RemoteTarget } from '../core/resolver/remote-resolver.js';
import { resolveHandle, type ResolveTarget } from '../hdl/client/resolve-handle.js';
import { HandleErrorAnswer } from '../hdl/client/resolution.js';

/** Handle response codes the serving node may answer that mean something to recursion (RFC 3652 §2.2.2.3). */
const RC_RECURSION_LIMIT = 6;
const RC_HANDLE_NOT_FOUND = 100;
const RC_NOT_HOMED = 301;

/**
 * The RemoteResolver over the network (recursive resolution, docs/architecture.md): the same clients as
 * `idnode resolve` (src/hdl/client), REST through fetch (undici's pooled keep-alive connections: one per
 * node is reused across lookups) or the Handle protocol (UDP, then TCP: each attempt gets half the time-out,
 * so the whole lookup stays within it). Anonymous, no filters: the whole public answer, which the asking node
 * caches and filters for its own caller. The number of hops travels as REFERRAL_HOPS_HEADER (REST) or the
 * header's recursion count (Handle protocol).
 */
export function networkRemoteResolver(): RemoteResolver {
  return {
    async resolve(target: RemoteTarget, handle: string, options): Promise<RemoteAnswer> {
      const to: ResolveTarget = target.kind === 'rest' ? { kind: 'rest', url: target.url } : { kind: 'hdl', address: { host: target.host, port: target.port } };
      const timeoutMs = target.kind === 'rest' ? options.timeoutMs : Math.max(1, Math.floor(options.timeoutMs / 2));
      try {
        const resolved = await resolveHandle(to, { handle, indexes: [], types: [], timeoutMs, referralHops: options.hops });
        return { status: 'found', values: resolved.values };
      } catch (error) {
        const failure = remoteFailure(error, target, handle);
        if (failure instanceof IdnodeError) throw failure;
        return failure;
      }
    },
  };
}

/** What a failed remote lookup means here; see RemoteResolver for the contract. */
function remoteFailure(error: unknown, target: RemoteTarget, handle: string): IdnodeError | RemoteAnswerNotFound {
  if (error instanceof HandleErrorAnswer) {
    if (error.responseCode === RC_HANDLE_NOT_FOUND) return NOT_FOUND;
    const said = `${target.key} answered ${error.responseCode} (${error.meaning}): ${error.message}`;
    if (error.responseCode === RC_NOT_HOMED) return new IdnodeError('NOT_HOMED', `${handle} is not homed here, and ${said}: the top-level node names a node that does not serve the prefix`, { handle });
    if (error.responseCode === RC_RECURSION_LIMIT) return new IdnodeError('RECURSION_LIMIT_EXCEEDED', said, { handle });
    return new IdnodeError('REMOTE_NODE_UNAVAILABLE', said, { handle });
  }
  if (isIdnodeError(error)) return new IdnodeError('REMOTE_NODE_UNAVAILABLE', error.message, { cause: error, handle });
  return new IdnodeError('REMOTE_NODE_UNAVAILABLE', `asking ${target.key} failed: ${(error as Error).message}`, { cause: error, handle });
}

type RemoteAnswerNotFound = { readonly status: 'not-found' };
const NOT_FOUND: RemoteAnswerNotFound = Object.freeze({ status: 'not-found' });
