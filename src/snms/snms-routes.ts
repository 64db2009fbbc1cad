import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../core/auth/principal.js';
import { MAX_BATCH_ITEMS, type BulkItem, type BulkItemResult } from '../core/bulk/bulk-types.js';
import { problemItem } from '../core/bulk/ndjson-line.js';
import { IdnodeError, isIdnodeError } from '../core/errors/catalogue.js';
import type { IdNode } from '../core/node.js';
import type { MetadataTemplate } from '../core/templates/template.js';
import { describeInput } from '../core/values/describe-input.js';
import { logFailure } from '../frontend/failure.js';
import { isLoopback, type CredentialPolicy } from '../core/auth/basic-credentials.js';
import { principalOf } from '../rest/credentials.js';
import { TOKEN_LIFETIME_MS } from '../core/auth/tokens.js';
import { noteFailure, toIdnodeError } from '../rest/error-reply.js';
import { SNMS_STATUS } from './snms-status.js';
import { batchItems, decodeDataItem, detailOf, ok, type SnmsDataItem } from './snms-wire.js';

/** The metering and log protocol of every call through this front end. */
export const SNMS_PROTOCOL = 'snms';

/**
 * The SNMS-style API (docs/design.md §4), served as routes of the REST listener: SNMS integrations are pointed
 * at the node's HTTP base URL, and these paths (/identity, /identityv2, /snms) do not meet the HANDLE.NET ones.
 * Its own plugin scope gives it its own error body ({status, message, code}, status from SNMS_STATUS) while
 * the listener, body parsers, request ids and route metrics are the REST front end's. Every call goes through
 * the core (node.tokens, node.resolver, node.registry, node.bulk, node.templates) with protocol "snms", so
 * rights, validation, cache invalidation and metering are those of every other front end.
 *
 * Every answer is HTTP 200 with the SNMS `status` in the body (SNMS clients read that, not the HTTP status),
 * except a body too large or malformed, which fastify refuses before a route runs (still in the SNMS shape).
 */
export function snmsRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy, batchBodyLimitBytes: number): void {
  void app.register(async (scope) => {
    scope.setErrorHandler((error, request, reply) => sendSnmsError(request, reply, error as Error));
    // Authenticated once: a write by credentialsFirst before its body is read, a read here (both through the
    // routes' bearerOrBasic rewrite).
    const principal = (request: FastifyRequest): Promise<Principal> => principalOf(request, node.authenticator, policy);
    const common = { schema: { hide: false, tags: ['snms'] }, config: { credentials: bearerOrBasic } };
    const login = { ...common, config: { credentials: 'in-body' as const } };

    scope.post<{ Body: { username?: unknown; password?: unknown } | undefined }>('/identity/token', { ...login, schema: { ...common.schema, summary: 'SNMS login: {username, password} → a bearer token valid 24 h' } }, async (request) => {
      assertLoginPolicy(request, policy);
      return ok(tokenAnswer(await node.tokens.login(request.body?.username, request.body?.password)));
    });

    scope.post<{ Body: { username?: unknown; password?: unknown } | undefined }>(
      '/identity/token/v1',
      { ...login, schema: { ...common.schema, summary: 'SNMS hashed login: password = sha256(sha256(secret) + yyyy-MM-dd, China Standard Time)' } },
      async (request) => {
        assertLoginPolicy(request, policy);
        return ok(tokenAnswer(await node.tokens.loginHashed(request.body?.username, request.body?.password)));
      },
    );

    scope.get<{ Querystring: { handle?: string } }>('/identityv2/data/detail', { ...common, schema: { ...common.schema, summary: 'SNMS: the detail of an identifier (?handle=)' } }, async (request) => {
      const handle = requiredText(request.query.handle, 'handle');
      const resolution = await node.resolver.resolve({ handle, principal: await principal(request), protocol: SNMS_PROTOCOL });
      if (resolution.status === 'not-found') throw new IdnodeError('HANDLE_NOT_FOUND', `${resolution.handle} does not exist`, { handle: resolution.handle });
      return ok(detailOf(resolution.handle, resolution.values));
    });

    const write = (overwrite: boolean) => async (request: FastifyRequest<{ Body: unknown }>) => {
      const caller = await principal(request);
      const writer = { principal: caller, protocol: SNMS_PROTOCOL, log: request.log };
      let item: SnmsDataItem;
      let template: MetadataTemplate | undefined;
      try {
        item = decodeDataItem(request.body);
        template = await node.templates.forWrite(item.handle, item.templateVersion);
        if (typeof item.handle !== 'string') throw new IdnodeError('REQUEST_INVALID', `handle must be the identifier, got ${describeInput(item.handle)}`);
      } catch (error) {
        // Refused before the registry saw it: counted and logged as every refused write is.
        if (isIdnodeError(error)) throw node.registry.refused(error, writer, error.handle ?? handleOf(request.body));
        throw error;
      }
      const result = await node.registry.put({
        principal: caller,
        handle: item.handle as string,
        values: item.values,
        overwrite,
        protocol: SNMS_PROTOCOL,
        log: request.log,
        ...(template === undefined ? {} : { template }),
      });
      return ok({ handle: result.handle, result: result.status });
    };
    scope.post<{ Body: unknown }>('/identityv2/data', { ...common, schema: { ...common.schema, summary: 'SNMS: register an identifier (fails if it exists)' } }, write(false));
    scope.put<{ Body: unknown }>('/identityv2/data', { ...common, schema: { ...common.schema, summary: 'SNMS: replace an identifier\'s values (creates it when absent)' } }, write(true));

    scope.delete<{ Querystring: { handle?: string }; Body: unknown }>('/identityv2/data', { ...common, schema: { ...common.schema, summary: 'SNMS: delete an identifier (?handle= or {handle})' } }, async (request) => {
      const handle = requiredText(request.query.handle ?? (request.body as { handle?: unknown } | undefined)?.handle, 'handle');
      const result = await node.registry.delete({ principal: await principal(request), handle, protocol: SNMS_PROTOCOL, log: request.log });
      return ok({ handle: result.handle, result: result.status });
    });

    const batch = (overwrite: boolean) => async (request: FastifyRequest<{ Body: unknown }>) => {
      const raw = batchItems(request.body);
      const caller = await principal(request);
      const items = await bulkItemsOf(node, raw);
      const { results, summary } = await node.bulk.registerBatch(items, { principal: caller, overwrite, protocol: SNMS_PROTOCOL, log: request.log });
      const { received, created, alreadyExisted, updated, failed } = summary;
      return ok({ total: received, created, alreadyExisted, updated, failed, results: results.map(snmsResult) });
    };
    const batchOptions = (summary: string) => ({ ...common, bodyLimit: batchBodyLimitBytes, schema: { ...common.schema, summary } });
    scope.post<{ Body: unknown }>('/identityv2/data/batchCreate', batchOptions(`SNMS: register up to ${MAX_BATCH_ITEMS} identifiers, a result per item`), batch(false));
    scope.post<{ Body: unknown }>('/identityv2/data/batchUpdate', batchOptions(`SNMS: register or replace up to ${MAX_BATCH_ITEMS} identifiers, a result per item`), batch(true));
    scope.post<{ Body: unknown }>('/identityv2/data/batchDelete', batchOptions(`SNMS: delete up to ${MAX_BATCH_ITEMS} identifiers, a result per item`), async (request) => {
      const raw = batchItems(request.body);
      const caller = await principal(request);
      if (raw.length > MAX_BATCH_ITEMS) {
        throw node.registry.refused(
          new IdnodeError('REQUEST_INVALID', `a batch holds at most ${MAX_BATCH_ITEMS} items, got ${raw.length}`),
          { principal: caller, protocol: SNMS_PROTOCOL, log: request.log },
        );
      }
      const results = [];
      let deleted = 0;
      for (const entry of raw) {
        const handle = typeof entry === 'string' ? entry : (entry as { handle?: unknown } | null)?.handle;
        try {
          if (typeof handle !== 'string') throw new IdnodeError('REQUEST_INVALID', `an item must be an identifier or {handle}, got ${describeInput(entry)}`);
          const result = await node.registry.delete({ principal: caller, handle, protocol: SNMS_PROTOCOL, log: request.log });
          deleted++;
          results.push({ handle: result.handle, status: 'deleted' });
        } catch (error) {
          if (!isIdnodeError(error)) throw error;
          results.push({ handle: error.handle ?? (typeof handle === 'string' ? handle : ''), status: 'failed', code: error.code, snmsStatus: SNMS_STATUS[error.code], message: error.message });
        }
      }
      return ok({ total: raw.length, deleted, failed: raw.length - deleted, results });
    });

    scope.get<{ Querystring: { prefix?: string; version?: string } }>('/snms/api/v5/template', { ...common, schema: { ...common.schema, summary: 'SNMS: a template (?prefix=&version=) or the templates of a prefix (?prefix=)' } }, async (request) => {
      const prefix = requiredText(request.query.prefix, 'prefix');
      return ok(request.query.version === undefined ? await node.templates.list(prefix) : await node.templates.get(prefix, request.query.version));
    });
    scope.post<{ Body: unknown }>('/snms/api/v5/template', { ...common, schema: { ...common.schema, summary: 'SNMS: create a template version' } }, async (request) =>
      ok(await node.templates.create(await principal(request), request.body)),
    );
    scope.put<{ Body: unknown }>('/snms/api/v5/template', { ...common, schema: { ...common.schema, summary: 'SNMS: change a template version' } }, async (request) =>
      ok(await node.templates.update(await principal(request), request.body)),
    );
    scope.delete<{ Querystring: { prefix?: string; version?: string }; Body: unknown }>('/snms/api/v5/template', { ...common, schema: { ...common.schema, summary: 'SNMS: delete a template version (?prefix=&version= or the body)' } }, async (request) => {
      const body = (request.body ?? {}) as { prefix?: unknown; version?: unknown };
      const prefix = requiredText(request.query.prefix ?? body.prefix, 'prefix');
      await node.templates.delete(await principal(request), prefix, request.query.version ?? body.version);
      return ok();
    });
  });
}

/** Data items as bulk items, each with the template its templateVersion names (a lookup failure fails that item only). */
async function bulkItemsOf(node: IdNode, raw: readonly unknown[]): Promise<BulkItem[]> {
  // An oversized batch is refused whole by registerBatch before any item is looked at: no template is looked up.
  if (raw.length > MAX_BATCH_ITEMS) return raw.map(() => ({ handle: '', values: undefined }));
  const seen = new Map<string, Promise<MetadataTemplate>>();
  const items: BulkItem[] = [];
  for (const entry of raw) {
    let item: SnmsDataItem;
    let template: MetadataTemplate | undefined;
    try {
      item = decodeDataItem(entry);
      template = await node.templates.forWrite(item.handle, item.templateVersion, seen);
    } catch (error) {
      if (!isIdnodeError(error)) throw error;
      items.push({ ...problemItem(error), handle: typeof (entry as { handle?: unknown } | null)?.handle === 'string' ? (entry as { handle: string }).handle : '' });
      continue;
    }
    items.push({ handle: item.handle, values: item.values, ...(template === undefined ? {} : { template }) });
  }
  return items;
}

function snmsResult(result: BulkItemResult) {
  return result.code === undefined ? { handle: result.handle, status: result.status } : { handle: result.handle, status: result.status, code: result.code, snmsStatus: SNMS_STATUS[result.code], message: result.message };
}

function tokenAnswer(issued: { token: string; expiresAtMs: number }) {
  return { token: issued.token, expiresIn: TOKEN_LIFETIME_MS / 1000, expiresAt: new Date(issued.expiresAtMs).toISOString() };
}

/** A login carries the secret: over plain HTTP only from loopback, as any credential (see CredentialPolicy). */
function assertLoginPolicy(request: FastifyRequest, policy: CredentialPolicy): void {
  if (policy.tls || policy.allowRemoteCredentialsOverHttp || isLoopback(request.socket.remoteAddress)) return;
  throw new IdnodeError('CREDENTIALS_REQUIRE_TLS', 'a login over a plain (non-TLS) connection is accepted from loopback only; connect over TLS');
}

/** SNMS clients may send the bare token as the Authorization value: it is read as "Bearer <token>". */
function bearerOrBasic(authorization: string | undefined): string | undefined {
  if (authorization === undefined || /\s/.test(authorization.trim())) return authorization;
  return `Bearer ${authorization.trim()}`;
}

/** The identifier a body names, for counting a refusal under its prefix ("" when it names none). */
function handleOf(body: unknown): string | undefined {
  const handle = (body as { handle?: unknown } | null | undefined)?.handle;
  return typeof handle === 'string' ? handle : undefined;
}

function requiredText(input: unknown, name: string): string {
  if (typeof input !== 'string' || input === '') throw new IdnodeError('REQUEST_INVALID', `${name} is required, got ${describeInput(input)}`);
  return input;
}

/** The SNMS error answer: {status, message, code}, logged and counted by class as every front end's failures. */
function sendSnmsError(request: FastifyRequest, reply: FastifyReply, raw: Error): FastifyReply {
  const error = toIdnodeError(raw);
  logFailure(request.log, error, raw, { url: request.url, method: request.method });
  noteFailure(reply, error);
  const body = { status: SNMS_STATUS[error.code], message: error.message, code: error.code, ...(error.handle === undefined ? {} : { handle: error.handle }) };
  return reply.code(200).type('application/json; charset=utf-8').send(body);
}
