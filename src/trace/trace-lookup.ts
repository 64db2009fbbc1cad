import { isIdnodeError } from '../core/errors/catalogue.js';
import { decodeSiteInfo } from '../core/site/site-info.js';
import { ipAddressText } from '../core/site/ip-address.js';
import type { WireValue } from '../core/values/wire-value.js';
import { HandleErrorAnswer } from '../hdl/client/resolution.js';
import { resolveOverRest } from '../hdl/client/rest-resolve.js';
import type { LookupAnswer, TraceLookup } from './trace.js';

/** Handle response codes a lookup meets (RFC 3652 §2.2.2.3). */
const HANDLE_NOT_FOUND = 100;
const NOT_HOMED_HERE = 301;

export interface LookupOptions {
  /** Per request (the site lookup and the resolution each). */
  readonly timeoutMs: number;
  /** Real time in ms (performance.now in the CLI): latencies are differences of it. */
  readonly now: () => number;
}

/**
 * Lookups through one node (`idnode trace --url NODE`): every identifier is asked of NODE, which answers its
 * own and, with recursion on, resolves other nodes' through the top-level node. When NODE answers "not homed
 * here" (recursion off), the identifier is asked of its home node directly, found as below through NODE
 * (which asks the top-level node for other nodes' prefix handles). Each answer names the serving node: the
 * REST address in the HS_SITE of the identifier's prefix handle.
 */
export function lookupThroughNode(nodeUrl: string, options: LookupOptions): TraceLookup {
  const sites = siteDirectory(nodeUrl, options);
  return async (handle) => {
    const site = await sites(prefixOf(handle));
    const asked = await timedLookup(nodeUrl, handle, options, `asked ${nodeUrl}`);
    if (asked.code !== NOT_HOMED_HERE) return withNode(asked.answer, site);
    if (site === undefined) return { outcome: 'error', message: `${nodeUrl} does not home ${prefixOf(handle)} and its prefix handle names no REST address`, via: `asked ${nodeUrl}`, latencyMs: asked.answer.latencyMs };
    return withNode((await timedLookup(site, handle, options, `asked the home node directly (${nodeUrl} does not recurse)`)).answer, site);
  };
}

/**
 * Lookups without a resolving node (`idnode trace --top-level URL`): each prefix's home node is found in the
 * HS_SITE of its prefix handle at the top-level node, and the identifier asked there.
 */
export function lookupThroughTopLevel(topUrl: string, options: LookupOptions): TraceLookup {
  const sites = siteDirectory(topUrl, options);
  return async (handle) => {
    const site = await sites(prefixOf(handle));
    if (site === undefined) return { outcome: 'missing', message: `no node homes prefix ${prefixOf(handle)} (the top-level node has no prefix handle with a REST address)`, via: `asked ${topUrl}`, latencyMs: 0 };
    return withNode((await timedLookup(site, handle, options, 'asked the home node')).answer, site);
  };
}

/** "88.301.SUP/PART-1-0" → "88.301.SUP". */
export function prefixOf(handle: string): string {
  const slash = handle.indexOf('/');
  return slash < 0 ? handle : handle.slice(0, slash);
}

/**
 * The REST base URL (http://address:port) of the first server of a site with an http or https interface,
 * from HS_SITE values as REST serves them (base64 data); undefined when there is none.
 */
export function restUrlOfSite(values: readonly WireValue[]): string | undefined {
  for (const value of values) {
    if (value.type !== 'HS_SITE' || value.data.format !== 'base64') continue;
    let site;
    try {
      site = decodeSiteInfo(Buffer.from(value.data.value, 'base64'));
    } catch {
      continue;
    }
    for (const server of site.servers) {
      const rest = server.interfaces.find((iface) => iface.protocol === 'http' || iface.protocol === 'https');
      if (rest === undefined) continue;
      const domain = site.attributes.find((attribute) => attribute.name === 'domain')?.value;
      const address = ipAddressText(server.address);
      const host = domain ?? (address.includes(':') ? `[${address}]` : address);
      return `${rest.protocol}://${host}:${rest.port}`;
    }
  }
  return undefined;
}

/** Prefix → its home node's REST URL, asked once per prefix of `directoryUrl` (a node or the top-level node). */
function siteDirectory(directoryUrl: string, options: LookupOptions): (prefix: string) => Promise<string | undefined> {
  const known = new Map<string, Promise<string | undefined>>();
  return (prefix) => {
    let site = known.get(prefix);
    if (site === undefined) {
      site = resolveOverRest(directoryUrl, { handle: `0.NA/${prefix}`, indexes: [], types: ['HS_SITE'], timeoutMs: options.timeoutMs }).then(
        (resolved) => restUrlOfSite(resolved.values),
        () => undefined,
      );
      known.set(prefix, site);
    }
    return site;
  };
}

async function timedLookup(url: string, handle: string, options: LookupOptions, via: string): Promise<{ answer: LookupAnswer; code?: number }> {
  const started = options.now();
  try {
    const resolved = await resolveOverRest(url, { handle, indexes: [], types: [], timeoutMs: options.timeoutMs });
    return { answer: { outcome: 'found', values: resolved.values, via, latencyMs: options.now() - started } };
  } catch (error) {
    const latencyMs = options.now() - started;
    if (error instanceof HandleErrorAnswer) {
      const outcome = error.responseCode === HANDLE_NOT_FOUND ? 'missing' : 'error';
      return { answer: { outcome, message: `response code ${error.responseCode} (${error.meaning}): ${error.message}`, via, latencyMs }, code: error.responseCode };
    }
    if (isIdnodeError(error)) return { answer: { outcome: 'error', message: `${error.code}: ${error.message}`, via, latencyMs } };
    throw error;
  }
}

function withNode(answer: LookupAnswer, node: string | undefined): LookupAnswer {
  return node === undefined ? answer : { ...answer, node };
}
