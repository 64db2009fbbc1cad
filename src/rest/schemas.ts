import { Type } from '../core/typebox.js';

/**
 * Route schemas: fastify validates query strings with them, serialises responses from them, and the
 * OpenAPI document at /openapi.json is generated from them. Request bodies of handle writes are described
 * loosely on purpose: the core validates values (so every front end reports the same errors).
 */
export const WireValueSchema = Type.Object(
  {
    index: Type.Integer({ minimum: 1, maximum: 2147483647 }),
    type: Type.String(),
    data: Type.Object({ format: Type.String({ enum: ['string', 'base64', 'hex', 'admin'] }), value: Type.Unknown() }),
    ttl: Type.Integer(),
    timestamp: Type.String({ description: 'ISO-8601 UTC, no milliseconds; set by the server' }),
    permissions: Type.Optional(Type.String({ description: 'adminRead adminWrite publicRead publicWrite; omitted when 1110' })),
    references: Type.Optional(Type.Array(Type.Object({ handle: Type.String(), index: Type.Integer() }))),
  },
  { $id: 'WireValue' },
);

export const ErrorSchema = Type.Object(
  {
    responseCode: Type.Integer({ description: 'HANDLE.NET response code' }),
    handle: Type.Optional(Type.String()),
    code: Type.String({ description: 'idnode error catalogue code' }),
    message: Type.String(),
  },
  { $id: 'Error' },
);

const errorRef = Type.Ref('Error');

export const errorResponses = {
  400: errorRef,
  401: errorRef,
  403: errorRef,
  404: errorRef,
  409: errorRef,
  413: errorRef,
  415: errorRef,
  500: errorRef,
  503: errorRef,
};

export const HandleQuerySchema = Type.Object({
  index: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), { description: 'repeatable' })),
  type: Type.Optional(Type.Array(Type.String(), { description: 'repeatable' })),
});

export const PutQuerySchema = Type.Object({
  index: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }))),
  overwrite: Type.Boolean({ default: true }),
  mintNewSuffix: Type.Boolean({ default: false }),
});

export const DeleteQuerySchema = Type.Object({
  index: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }))),
});

export const MAX_PAGE_SIZE = 10000;
export const DEFAULT_PAGE_SIZE = 1000;

export const ListQuerySchema = Type.Object({
  prefix: Type.String({ minLength: 1 }),
  page: Type.Integer({ minimum: 0, default: 0 }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
});

export const PutBodySchema = Type.Union(
  [Type.Object({ values: Type.Array(Type.Unknown()) }, { additionalProperties: true }), Type.Array(Type.Unknown())],
  { description: 'HANDLE.NET shape {"values":[...]} or a bare array of values' },
);

export const ResolveResponseSchema = Type.Object({
  responseCode: Type.Integer(),
  handle: Type.String(),
  values: Type.Array(Type.Ref('WireValue')),
});

export const WriteResponseSchema = Type.Object({ responseCode: Type.Integer(), handle: Type.String() });

export const ListResponseSchema = Type.Object({
  responseCode: Type.Integer(),
  prefix: Type.String(),
  totalCount: Type.String({ description: 'a string, as HANDLE.NET sends it' }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  handles: Type.Array(Type.String()),
});
