import { IdnodeError } from '../errors/catalogue.js';
import { ipAddressText } from '../site/ip-address.js';
import { decodeSiteInfo, type InterfaceProtocol, type SiteInfo } from '../site/site-info.js';

/**
 * Where another node answers resolutions, read from its HS_SITE: its REST base URL (HANDLE.NET's JSON API)
 * or its Handle protocol address (UDP, then TCP). `key` names the node for the failure memory and the bound
 * on lookups in flight (one key per address and port).
 */
export type RemoteTarget =
  | { readonly kind: 'rest'; readonly url: string; readonly key: string }
  | { readonly kind: 'hdl'; readonly host: string; readonly port: number; readonly key: string };

/** What the serving node answered: the identifier's values as HANDLE.NET REST values (unvalidated), or "does not exist". */
export type RemoteAnswer = { readonly status: 'found'; readonly values: readonly unknown[] } | { readonly status: 'not-found' };

export interface RemoteLookupOptions {
  /** How many nodes have referred this resolution, this one included: the serving node refuses to refer it further at its limit. */
  readonly hops: number;
  readonly timeoutMs: number;
}

/**
 * The port through which recursive resolution asks another node (the core does no network I/O): implemented
 * in src/federation over HTTP and the Handle protocol; tests give a double. Contract:
 * - settles within `options.timeoutMs` (plus the time to notice), whatever the remote node does;
 * - resolves anonymously, so only public values come back;
 * - resolves 'found' (values, possibly none: the identifier exists but shows nothing public) or 'not-found'
 *   (the serving node answered HANDLE_NOT_FOUND, Handle code 100);
 * - rejects with IdnodeError REMOTE_NODE_UNAVAILABLE when nothing usable answered in time (refused, reset,
 *   timed out, an answer not in the protocol, any other error code), RECURSION_LIMIT_EXCEEDED when the
 *   remote node answered code 6, NOT_HOMED when it answered 301 (it does not serve the prefix either).
 */
export interface RemoteResolver {
  resolve(target: RemoteTarget, handle: string, options: RemoteLookupOptions): Promise<RemoteAnswer>;
}

/**
 * The REST request header carrying RemoteLookupOptions.hops (lower-case, as node:http gives headers); the
 * Handle protocol carries it as the message header's recursion count.
 */
export const REFERRAL_HOPS_HEADER = 'idnode-referral-hops';
/** The most hops a request may say (a larger number is refused as malformed). */
export const MAX_REFERRAL_HOPS = 255;

const DOMAIN_ATTRIBUTE = 'domain';
/** Asked in this order: REST keeps one pooled connection per node, the Handle protocol's UDP costs no connection. */
const PREFERENCE: readonly InterfaceProtocol[] = ['https', 'http', 'udp', 'tcp'];

/**
 * The target of a site record (the data of an HS_SITE value, base64 or bytes): its first server's first query
 * interface by PREFERENCE, at the server's address (or its `domain` attribute when the address is all zeros).
 * Throws REMOTE_NODE_UNAVAILABLE naming what is missing (a malformed record, no server, no query interface,
 * no address), which `servedBy` names in the message.
 */
export function remoteTargetOf(siteData: Uint8Array, servedBy: string): RemoteTarget {
  let site: SiteInfo;
  try {
    site = decodeSiteInfo(siteData);
  } catch (error) {
    throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `the HS_SITE of ${servedBy} at the top-level node cannot be read: ${(error as Error).message}`, { cause: error });
  }
  const server = site.servers[0];
  if (server === undefined) throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `the HS_SITE of ${servedBy} names no server (the node had no listener bound when it homed the prefix)`);
  const zeros = server.address.every((byte) => byte === 0);
  const host = zeros ? site.attributes.find((attribute) => attribute.name === DOMAIN_ATTRIBUTE)?.value : ipAddressText(server.address);
  if (host === undefined || host === '') {
    throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `the HS_SITE of ${servedBy} names no address (the node listens on every interface and has no domain attribute): it cannot be asked`);
  }
  const queries = server.interfaces.filter((face) => face.type === 'query' || face.type === 'admin-and-query');
  for (const protocol of PREFERENCE) {
    const face = queries.find((candidate) => candidate.protocol === protocol);
    if (face === undefined) continue;
    const authority = host.includes(':') ? `[${host}]:${face.port}` : `${host}:${face.port}`;
    if (protocol === 'http' || protocol === 'https') return { kind: 'rest', url: `${protocol}://${authority}`, key: `${protocol}://${authority}` };
    return { kind: 'hdl', host, port: face.port, key: `hdl://${authority}` };
  }
  throw new IdnodeError('REMOTE_NODE_UNAVAILABLE', `the HS_SITE of ${servedBy} names no query interface (HTTP, HTTPS, UDP or TCP)`);
}
