import { setTimeout as sleep } from 'node:timers/promises';

/** The small HTTP client the simulator drives nodes with (fetch: keep-alive connections per origin). */

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id.replace(':', '%3A')}:${secret}`).toString('base64')}`;
}

export interface JsonAnswer {
  readonly status: number;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the caller knows the route's shape
}

/** One request with an optional JSON body; the answer's JSON (or its text when it is not JSON). */
export async function requestJson(url: string, options: { method?: string; authorization?: string; json?: unknown; timeoutMs?: number } = {}): Promise<JsonAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const response = await withRetries(() =>
    fetch(url, {
      method: options.method ?? 'GET',
      headers,
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    }),
  );
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the text is the body
  }
  return { status: response.status, body };
}

/** The answer's JSON, or an Error naming the request and what came back when the status is not `expected`. */
export async function expectJson(url: string, expected: number, options: Parameters<typeof requestJson>[1] = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const answer = await requestJson(url, options);
  if (answer.status !== expected) throw new Error(`${options.method ?? 'GET'} ${url} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/** Runs `work` on every item of `items` with at most `concurrency` at once (items pulled lazily from the iterator). */
export async function pool<T>(items: Iterable<T>, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    for (;;) {
      const next = iterator.next();
      if (next.done) return;
      await work(next.value);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * A well-behaved client's retries: an answer 503 (the node shedding load: NODE_BUSY, counted nowhere) is
 * asked again after a pause, up to 5 times; the last answer is returned whatever it is.
 */
export async function withRetries(send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const answer = await send();
    if (answer.status !== 503 || attempt === 5) return answer;
    await answer.arrayBuffer();
    await sleep(200 * attempt);
  }
}
