import type { HostPort } from './address.js';
import { resolveOverHdl } from './hdl-resolve.js';
import { resolveOverRest } from './rest-resolve.js';
import type { ResolveQuery, Resolved } from './resolution.js';

/** Where to ask: a node's Handle protocol address (UDP, then TCP) or its REST base URL. */
export type ResolveTarget = { readonly kind: 'hdl'; readonly address: HostPort } | { readonly kind: 'rest'; readonly url: string };

/** One resolution over either transport; see resolveOverHdl and resolveOverRest for what each rejects with. */
export function resolveHandle(target: ResolveTarget, query: ResolveQuery): Promise<Resolved> {
  return target.kind === 'rest' ? resolveOverRest(target.url, query) : resolveOverHdl(target.address, query);
}
