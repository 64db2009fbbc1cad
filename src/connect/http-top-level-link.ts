import type { TopLevelLink } from '../core/connection/top-level-link.js';
import { CATALOGUE, IdnodeError, type ErrorCode } from '../core/errors/catalogue.js';
import { PREFIX_HANDLE_PREFIX } from '../core/resolver/stages/prefix-handle-route.js';
import type { HandleRecord } from '../core/store/store.js';
import type { ConnectionState } from '../core/top/connection-report.js';
import { validateValues } from '../core/values/validate-values.js';

export interface HttpLinkOptions {
  /** The top-level node's base URL (no trailing slash). */
  readonly url: string;
  readonly id: string;
  readonly secret: string;
  /** How long one request may take (default 10 s). */
  readonly timeoutMs?: number;
  /** Epoch ms now, for the timestamps of values read from the top-level node. */
  readonly now: () => number;
}

/** Bounds on the values of a prefix handle read from the top-level node (it holds two or three). */
const MAX_VALUES = 100;
const MAX_DATA_BYTES = 65_536;

/**
 * The TopLevelLink over the top-level node's REST API (src/top/top-server.ts): HTTP Basic with the account's
 * id and secret, JSON both ways. No answer, a 5xx, or an answer that is not the top-level node's JSON is
 * TOP_LEVEL_UNREACHABLE; a refusal keeps the top-level node's own catalogue code and message.
 */
export function httpTopLevelLink(options: HttpLinkOptions): TopLevelLink {
  const authorization = `Basic ${Buffer.from(`${options.id}:${options.secret}`, 'utf8').toString('base64')}`;
  const call = async (method: string, path: string, body?: unknown, authenticated = true): Promise<{ status: number; json: Record<string, unknown> }> => {
    const url = `${options.url}${path}`;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: { accept: 'application/json', ...(authenticated ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      text = await response.text();
    } catch (error) {
      const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      throw new IdnodeError('TOP_LEVEL_UNREACHABLE', `cannot reach the top-level node at ${url}: ${cause}`, { cause: error });
    }
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(text);
      json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
    } catch {
      json = undefined;
    }
    if (json === undefined) throw new IdnodeError('TOP_LEVEL_UNREACHABLE', `${method} ${url} answered HTTP ${response.status} without a JSON body: ${JSON.stringify(text.slice(0, 120))}`);
    if (response.status >= 500) throw new IdnodeError('TOP_LEVEL_UNREACHABLE', `${method} ${url} failed with HTTP ${response.status}: ${String(json['message'] ?? '')}`);
    return { status: response.status, json };
  };
  const refusal = (json: Record<string, unknown>, status: number): IdnodeError => {
    const code = json['code'];
    const message = `the top-level node refused: ${String(json['message'] ?? `HTTP ${status}`)}`;
    return typeof code === 'string' && code in CATALOGUE ? new IdnodeError(code as ErrorCode, message) : new IdnodeError('TOP_LEVEL_UNREACHABLE', message);
  };
  const expectOk = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const { status, json } = await call(method, path, body);
    if (status >= 300) throw refusal(json, status);
    return json;
  };
  return {
    url: options.url,
    nodeId: options.id,
    async connect(publicKeyPem) {
      return (await expectOk('POST', '/api/v1/top/connect', { publicKey: publicKeyPem })) as unknown as ConnectionState;
    },
    async homePrefix(prefix, siteBase64) {
      await expectOk('PUT', `/api/v1/top/prefixes/${encodeURIComponent(prefix)}`, { site: siteBase64 });
    },
    async report(entry) {
      await expectOk('POST', '/api/v1/top/reports', entry);
    },
    async resolvePrefixHandle(prefix): Promise<HandleRecord | undefined> {
      const { status, json } = await call('GET', `/api/handles/${PREFIX_HANDLE_PREFIX}/${encodeURIComponent(prefix)}`, undefined, false);
      if (json['responseCode'] === 100) return undefined;
      if (status !== 200 || json['responseCode'] !== 1) throw refusal(json, status);
      const nowMs = options.now();
      let values;
      try {
        values = validateValues(json['values'], { nowMs, maxValues: MAX_VALUES, maxDataBytes: MAX_DATA_BYTES });
      } catch (error) {
        throw new IdnodeError('TOP_LEVEL_UNREACHABLE', `the top-level node answered ${PREFIX_HANDLE_PREFIX}/${prefix} with values this node cannot read: ${(error as Error).message}`, { cause: error });
      }
      return { handle: `${PREFIX_HANDLE_PREFIX}/${prefix}`, prefix: PREFIX_HANDLE_PREFIX, values, createdAtMs: nowMs, updatedAtMs: nowMs };
    },
  };
}
