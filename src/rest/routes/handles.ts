import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';
import { describeInput } from '../../core/values/describe-input.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { JSON_CONTENT_TYPE } from '../framing.js';
import type { ResolveHandler } from '../resolve-handler.js';
import { referralHopsOf } from '../referral-hops.js';
import { REFERRAL_HOPS_HEADER } from '../../core/resolver/remote-resolver.js';
import {
  DeleteQuerySchema,
  errorResponses,
  HandleQuerySchema,
  ListQuerySchema,
  ListResponseSchema,
  PutBodySchema,
  PutQuerySchema,
  ResolveResponseSchema,
  WriteResponseSchema,
} from '../schemas.js';

const PROTOCOL = 'rest';
export const PATH_PREFIX = '/api/handles/';

/** The HANDLE.NET-compatible handle API (docs/design.md §4): decode, call the core, encode. */
export function handleRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy, resolve: ResolveHandler): void {
  app.get<{ Querystring: Static<typeof HandleQuerySchema> }>(
    `${PATH_PREFIX}*`,
    { schema: { summary: 'Resolve an identifier', querystring: HandleQuerySchema, response: { 200: ResolveResponseSchema, ...errorResponses } } },
    // The fastify adapter of ResolveHandler (the warm path is the other): credentials and filters allowed.
    async (request, reply) => {
      const handle = handleFromUrl(request.raw.url!);
      const hops = referralHopsOf(request.headers[REFERRAL_HOPS_HEADER]);
      const json = await resolve(handle, await principalOf(request, node.authenticator, policy), request.query.index, request.query.type, hops);
      return reply.code(200).type(JSON_CONTENT_TYPE).send(json);
    },
  );

  app.put<{ Querystring: Static<typeof PutQuerySchema>; Body: Static<typeof PutBodySchema> | undefined }>(
    `${PATH_PREFIX}*`,
    {
      schema: {
        summary: 'Create or change an identifier',
        querystring: PutQuerySchema,
        body: PutBodySchema,
        response: { 200: WriteResponseSchema, 201: WriteResponseSchema, ...errorResponses },
      },
      // Before schema validation, so a body without values is refused with VALUES_MISSING naming what came
      // instead of a generic "must match a schema in anyOf". Callback style: no promise per request.
      preValidation: (request, _reply, done) => {
        try {
          assertValuesBody(request.body);
        } catch (error) {
          return done(error as Error);
        }
        done();
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await node.registry.put({
        principal: await principalOf(request, node.authenticator, policy),
        handle: handleFromUrl(request.raw.url!),
        values: Array.isArray(body) ? body : body?.values,
        overwrite: request.query.overwrite,
        indexes: request.query.index,
        mintSuffix: request.query.mintNewSuffix,
        protocol: PROTOCOL,
        log: request.log,
      });
      return reply.code(result.status === 'created' ? 201 : 200).send({ responseCode: 1, handle: result.handle });
    },
  );

  app.delete<{ Querystring: Static<typeof DeleteQuerySchema> }>(
    `${PATH_PREFIX}*`,
    { schema: { summary: 'Delete an identifier, or some of its values', querystring: DeleteQuerySchema, response: { 200: WriteResponseSchema, ...errorResponses } } },
    async (request) => {
      const result = await node.registry.delete({
        principal: await principalOf(request, node.authenticator, policy),
        handle: handleFromUrl(request.raw.url!),
        indexes: request.query.index,
        protocol: PROTOCOL,
        log: request.log,
      });
      return { responseCode: 1, handle: result.handle };
    },
  );

  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/api/handles',
    { schema: { summary: 'List identifiers under a prefix', querystring: ListQuerySchema, response: { 200: ListResponseSchema, ...errorResponses } } },
    async (request: FastifyRequest<{ Querystring: Static<typeof ListQuerySchema> }>) => {
      const { page, pageSize } = request.query;
      const listing = await node.registry.list({
        principal: await principalOf(request, node.authenticator, policy),
        prefix: request.query.prefix,
        page,
        pageSize,
      });
      return { responseCode: 1, prefix: listing.prefix, totalCount: String(listing.total), page, pageSize, handles: listing.handles };
    },
  );
}

/**
 * The identifier from the raw request path, percent-decoded as UTF-8. Decoding here rather than trusting
 * the router keeps "/" inside suffixes and rejects invalid UTF-8 with IDENTIFIER_NOT_UTF8.
 */
export function handleFromUrl(url: string): string {
  const query = url.indexOf('?');
  const path = (query < 0 ? url : url.slice(0, query)).slice(PATH_PREFIX.length);
  // Most identifiers arrive with nothing escaped: no decoding to do (decodeURIComponent costs microseconds).
  if (!path.includes('%')) return path;
  try {
    return decodeURIComponent(path);
  } catch {
    throw new IdnodeError('IDENTIFIER_NOT_UTF8', 'the identifier in the URL path is not valid percent-encoded UTF-8');
  }
}

/** Throws VALUES_MISSING unless the PUT body is `{"values": [...]}` or a bare array. */
function assertValuesBody(body: unknown): void {
  if (Array.isArray(body)) return;
  if (typeof body === 'object' && body !== null) {
    const values = (body as { values?: unknown }).values;
    if (Array.isArray(values)) return;
    throw new IdnodeError('VALUES_MISSING', `body.values must be an array of values, got ${describeInput(values)}`);
  }
  throw new IdnodeError('VALUES_MISSING', `the body must be {"values": [...]} or an array of values, got ${describeInput(body)}`);
}
