import { IdnodeError } from '../../core/errors/catalogue.js';
import { REFERRAL_HOPS_HEADER } from '../../core/resolver/remote-resolver.js';
import type { WireValue } from '../../core/values/wire-value.js';
import { HandleErrorAnswer, type ResolveQuery, type Resolved } from './resolution.js';
import { responseCodeMeaning } from './response-codes.js';

/** GET /api/handles/{handle}?index=…&type=… of a node's REST base URL (HANDLE.NET's own query parameters). */
export function restResolveUrl(baseUrl: string, query: Pick<ResolveQuery, 'handle' | 'indexes' | 'types'>): string {
  const path = query.handle.split('/').map(encodeURIComponent).join('/');
  const parameters = new URLSearchParams([...query.indexes.map((index): [string, string] => ['index', String(index)]), ...query.types.map((type): [string, string] => ['type', type])]);
  const search = parameters.size === 0 ? '' : `?${parameters}`;
  return `${baseUrl.replace(/\/+$/, '')}/api/handles/${path}${search}`;
}

/**
 * Resolves over a node's REST API (any HANDLE.NET-compatible one). Resolves with the values (responseCode 1,
 * or 200 with none); rejects with HandleErrorAnswer for any other Handle response code the node answered,
 * and with IdnodeError NODE_UNREACHABLE when nothing answered within the timeout or what answered does not
 * speak the HANDLE.NET JSON API.
 */
export async function resolveOverRest(baseUrl: string, query: ResolveQuery): Promise<Resolved> {
  const url = restResolveUrl(baseUrl, query);
  let response: Response;
  let text: string;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (query.referralHops !== undefined) headers[REFERRAL_HOPS_HEADER] = String(query.referralHops);
    response = await fetch(url, { headers, signal: AbortSignal.timeout(query.timeoutMs) });
    text = await response.text();
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${query.timeoutMs} ms` : cause;
    throw new IdnodeError('NODE_UNREACHABLE', `cannot reach ${url}: ${why}`, { cause: error });
  }
  const body = parseObject(text);
  const responseCode = body?.['responseCode'];
  if (body === undefined || typeof responseCode !== 'number') {
    throw new IdnodeError('NODE_UNREACHABLE', `${url} answered HTTP ${response.status} without a HANDLE.NET JSON body (is it a Handle node's REST API?): ${JSON.stringify(text.slice(0, 120))}`);
  }
  const handle = typeof body['handle'] === 'string' ? body['handle'] : query.handle;
  if ((responseCode === 1 || responseCode === 200) && Array.isArray(body['values'])) {
    return { via: 'rest', responseCode, handle, values: body['values'] as WireValue[] };
  }
  const message = typeof body['message'] === 'string' ? body['message'] : `HTTP ${response.status}`;
  throw new HandleErrorAnswer('rest', responseCode, responseCodeMeaning(responseCode), message, handle);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
