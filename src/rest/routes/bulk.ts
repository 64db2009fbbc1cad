import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Static } from '@sinclair/typebox';
import { Type } from '../../core/typebox.js';
import { MAX_BATCH_ITEMS, type BulkItem } from '../../core/bulk/bulk-types.js';
import { readLineBatches, type Line } from '../../core/bulk/line-reader.js';
import { decodeNdjsonLine, itemOfObject, problemItem, type NdjsonWording } from '../../core/bulk/ndjson-line.js';
import { IdnodeError } from '../../core/errors/catalogue.js';
import type { IdNode } from '../../core/node.js';
import { describeInput } from '../../core/values/describe-input.js';
import { BulkPacer } from '../../frontend/bulk-pacing.js';
import { principalOf, type CredentialPolicy } from '../credentials.js';
import { requestTimedOut } from '../raw-gate.js';
import { errorResponses } from '../schemas.js';

const PROTOCOL = 'rest';
export const NDJSON = 'application/x-ndjson';

const ItemResultSchema = Type.Object({
  position: Type.Integer({ description: '0-based position of the item in the batch or import' }),
  line: Type.Optional(Type.Integer({ description: '1-based line of the NDJSON body (import only)' })),
  handle: Type.String(),
  status: Type.String({ enum: ['created', 'already-exists', 'updated', 'failed'] }),
  code: Type.Optional(Type.String({ description: 'idnode error catalogue code (failed only)' })),
  message: Type.Optional(Type.String()),
});

const SummarySchema = Type.Object({
  received: Type.Integer(),
  created: Type.Integer({ description: 'new registrations' }),
  alreadyExisted: Type.Integer({ description: 'identical records already present (e.g. a re-sent batch): nothing written or counted' }),
  updated: Type.Integer({ description: 'replaced (overwrite=true only)' }),
  failed: Type.Integer(),
  failures: Type.Array(ItemResultSchema, { description: 'the first failed items, in position order' }),
  failuresOmitted: Type.Integer({ description: 'failed items not listed' }),
});

const BulkQuerySchema = Type.Object({
  overwrite: Type.Boolean({ default: false, description: 'false: create only; true: replace an existing identifier whose values differ' }),
});

const BatchBodySchema = Type.Object(
  { items: Type.Array(Type.Unknown(), { description: `at most ${MAX_BATCH_ITEMS} items {"handle": ..., "values": [...]}` }) },
  { additionalProperties: true },
);

/**
 * The native bulk API (docs/design.md §4): POST /api/v1/handles/batch (one transaction, a result per item) and
 * POST /api/v1/import (NDJSON, streamed: read a line at a time, committed a chunk at a time, flat memory).
 * Both are adapters over the node's BulkRegistration (node.bulk), as gRPC RegisterBatch and BulkRegister
 * are. Routes live in their own plugin so that the NDJSON body parser applies to them only. `timeoutMs` is
 * the listener's request-timeout-ms, named in the log when it cuts an import still uploading.
 */
export function bulkRoutes(app: FastifyInstance, node: IdNode, policy: CredentialPolicy, batchBodyLimitBytes: number, timeoutMs: number): void {
  void app.register(async (scope) => {
    const maxLineBytes = scope.initialConfig.bodyLimit ?? 1024 * 1024;
    const wording = importWording(maxLineBytes);

    // The body is handed over unread: the handler consumes it line by line.
    scope.addContentTypeParser(NDJSON, (_request, payload, done) => done(null, payload));

    scope.post<{ Querystring: Static<typeof BulkQuerySchema>; Body: Static<typeof BatchBodySchema> }>(
      '/api/v1/handles/batch',
      {
        bodyLimit: batchBodyLimitBytes,
        schema: {
          summary: `Register up to ${MAX_BATCH_ITEMS} identifiers in one transaction, with a result per item`,
          querystring: BulkQuerySchema,
          body: BatchBodySchema,
          response: {
            200: Type.Object({ responseCode: Type.Integer(), summary: SummarySchema, results: Type.Array(ItemResultSchema) }),
            ...errorResponses,
          },
        },
      },
      async (request) => {
        const principal = await principalOf(request, node.authenticator, policy);
        const items = request.body.items.map(bulkItemOf);
        const { results, summary } = await node.bulk.registerBatch(items, { principal, overwrite: request.query.overwrite, protocol: PROTOCOL, log: request.log });
        return { responseCode: 1, summary, results };
      },
    );

    scope.post<{ Querystring: Static<typeof BulkQuerySchema> }>(
      '/api/v1/import',
      {
        schema: {
          summary: 'Register any number of identifiers from NDJSON, one {"handle": ..., "values": [...]} per line',
          consumes: [NDJSON],
          querystring: BulkQuerySchema,
          response: { 200: Type.Object({ responseCode: Type.Integer(), summary: SummarySchema }), ...errorResponses },
        },
      },
      async (request) => {
        const principal = await principalOf(request, node.authenticator, policy);
        if (!isNdjson(request.headers['content-type'])) {
          throw new IdnodeError('BODY_UNSUPPORTED_MEDIA_TYPE', `an import body must be NDJSON with Content-Type ${NDJSON}, got ${request.headers['content-type'] ?? 'none'}`);
        }
        const session = node.bulk.openImport({ principal, overwrite: request.query.overwrite, protocol: PROTOCOL, log: request.log });
        const batches = readLineBatches(request.body as Readable, maxLineBytes);
        const pacer = new BulkPacer();
        for (;;) {
          let next: IteratorResult<Line[]>;
          try {
            next = await batches.next();
          } catch (error) {
            // The body stream failed mid-upload: the client went away (or the connection broke), or the node cut
            // an upload that outlasted request-timeout-ms.
            const why = requestTimedOut(request.raw.socket)
              ? `the upload outlasted request-timeout-ms (${timeoutMs} ms), which a whole request must arrive within; raise it for imports this long, or send the file in parts`
              : 'the request body ended early (the client went away)';
            void session.abandon(why);
            throw new IdnodeError('REQUEST_INVALID', `the request body ended before the import was complete (${why}); what was committed stays`, { cause: error });
          }
          if (next.done) break;
          for (const line of next.value) {
            const item = decodeNdjsonLine(line, wording);
            if (item === undefined) continue;
            const committing = session.add(item, line.line);
            if (committing !== undefined) await committing;
            const turn = pacer.taken();
            if (turn !== undefined) await turn;
          }
        }
        const summary = await session.finish();
        // An import of nothing is a mistake (an empty file, a body that never came), not a success of 0 lines.
        if (summary.received === 0) {
          throw new IdnodeError('BODY_MALFORMED_JSON', `the import body holds no line; POST /api/v1/import needs one {"handle": ..., "values": [...]} per line (${NDJSON})`);
        }
        return { responseCode: 1, summary };
      },
    );
  });
}

/** How POST /api/v1/import words an NDJSON line it cannot take (each fails at its position; see decodeNdjsonLine). */
function importWording(maxLineBytes: number): NdjsonWording {
  return {
    tooLong: (line, bytes) => new IdnodeError('BODY_TOO_LARGE', `line ${line} is ${bytes} bytes; a line may be at most ${maxLineBytes} (the node's bodyLimitBytes)`),
    notUtf8: (line) => new IdnodeError('BODY_MALFORMED_JSON', `line ${line} is not valid UTF-8`),
    notJson: (line, reason) => new IdnodeError('BODY_MALFORMED_JSON', `line ${line} is not valid JSON (${reason})`),
    notObject: (line) => new IdnodeError('REQUEST_INVALID', `line ${line} must be a JSON object {"handle": ..., "values": [...]}`),
  };
}

function isNdjson(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';', 1)[0]!.trim().toLowerCase() === NDJSON;
}

function bulkItemOf(raw: unknown): BulkItem {
  return itemOfObject(raw) ?? problemItem(new IdnodeError('REQUEST_INVALID', `an item must be an object {"handle": ..., "values": [...]}, got ${describeInput(raw)}`));
}
