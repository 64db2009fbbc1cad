import { setTimeout as sleep } from 'node:timers/promises';
import type { BulkItemResult } from '../../core/bulk/bulk-types.js';
import { CATALOGUE, IdnodeError, type ErrorCode } from '../../core/errors/catalogue.js';

export interface BatchClientOptions {
  /** The node's REST base URL, e.g. http://127.0.0.1:8000. */
  readonly url: string;
  /** The Authorization header value. */
  readonly authorization: string;
  readonly overwrite: boolean;
  /** Attempts per batch when the node cannot be reached, times out or answers 502/503/504 (default 5). */
  readonly attempts?: number;
  /** Per attempt (default 60 s). */
  readonly timeoutMs?: number;
  /** Wait before the first retry, doubled at each (default 250 ms). */
  readonly backoffMs?: number;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/**
 * Sends one batch to POST /api/v1/handles/batch and returns a result per item. A batch that failed in
 * transit is simply sent again: the node reports what the first attempt committed as already-exists and
 * counts nothing twice, so a retry is safe. Throws IdnodeError when the node refuses the whole batch
 * (the node's code, e.g. AUTHENTICATION_FAILED) or stays unreachable (NODE_UNREACHABLE naming the URL).
 */
export async function sendBatch(items: readonly { handle: unknown; values: unknown }[], options: BatchClientOptions): Promise<BulkItemResult[]> {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v1/handles/batch?overwrite=${options.overwrite}`;
  const attempts = options.attempts ?? 5;
  const body = JSON.stringify({ items });
  let lastProblem = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep((options.backoffMs ?? 250) * 2 ** (attempt - 2));
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: options.authorization, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
      });
    } catch (error) {
      lastProblem = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
      continue;
    }
    const text = await response.text();
    if (RETRYABLE_STATUS.has(response.status)) {
      lastProblem = `HTTP ${response.status}`;
      continue;
    }
    const parsed = parseJson(text);
    if (response.status === 200 && Array.isArray(parsed?.['results'])) return parsed['results'] as BulkItemResult[];
    const code = typeof parsed?.['code'] === 'string' && isErrorCode(parsed['code']) ? parsed['code'] : 'INTERNAL_ERROR';
    const message = typeof parsed?.['message'] === 'string' ? parsed['message'] : `HTTP ${response.status} from ${endpoint}`;
    throw new IdnodeError(code, `the node refused the batch: ${message}`);
  }
  throw new IdnodeError('NODE_UNREACHABLE', `cannot send a batch to ${endpoint} after ${attempts} attempts (${lastProblem})`);
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(CATALOGUE, code);
}
