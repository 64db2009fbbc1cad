/**
 * The one error catalogue. Every failure the node reports to a caller is an IdnodeError whose code is
 * a key of CATALOGUE; each front end maps it the same way (REST: httpStatus + responseCode, gRPC:
 * grpcStatus + the code in trailing metadata, Handle protocol: handleCode). Nothing else decides a
 * status, so the same operation fails identically through every front end.
 *
 * Handle response codes are those of RFC 3652 §2.2.2.3 (1 success, 2 error, 4 protocol error,
 * 3 server too busy, 5 operation not supported, 100 handle not found, 101 handle exists, 102 invalid handle, 200 values not found, 201 value exists,
 * 202 invalid value, 301 server not responsible, 400 invalid admin, 401 insufficient permissions,
 * 402 authentication needed, 403 authentication failed). Statuses follow DESIGN §4's table (1→200/201,
 * 2→500, 100→404, 101→409, 102/202/301→400, 402→401, 400/401/403→403); codes the table does not name
 * (3, 4, 5, 201) take the HTTP status that says the same thing (503, 400/413/415, 404, 409).
 */

/** gRPC status numbers (grpc/status.h); the core does not import grpc-js, so they are spelled out. */
export const GrpcStatus = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export interface CatalogueEntry {
  /** What the code means, for the README's error table. */
  readonly summary: string;
  readonly httpStatus: number;
  readonly grpcStatus: number;
  readonly handleCode: number;
}

const invalidHandle = (summary: string): CatalogueEntry => ({
  summary,
  httpStatus: 400,
  grpcStatus: GrpcStatus.INVALID_ARGUMENT,
  handleCode: 102,
});
const invalidValue = (summary: string): CatalogueEntry => ({
  summary,
  httpStatus: 400,
  grpcStatus: GrpcStatus.INVALID_ARGUMENT,
  handleCode: 202,
});
const badRequest = (summary: string, httpStatus = 400): CatalogueEntry => ({
  summary,
  httpStatus,
  grpcStatus: GrpcStatus.INVALID_ARGUMENT,
  handleCode: 4,
});

export const CATALOGUE = {
  // Identifier syntax (DESIGN §1): one code per broken rule.
  IDENTIFIER_NOT_UTF8: invalidHandle('The identifier is not valid UTF-8.'),
  IDENTIFIER_MISSING_SLASH: invalidHandle('The identifier has no "/" between prefix and suffix.'),
  IDENTIFIER_EMPTY_PREFIX: invalidHandle('The identifier has nothing before the "/".'),
  IDENTIFIER_EMPTY_SUFFIX: invalidHandle('The identifier has nothing after the "/".'),
  IDENTIFIER_TOO_LONG: invalidHandle('The identifier is longer than 255 bytes of UTF-8.'),
  IDENTIFIER_CONTROL_CHARACTER: invalidHandle('The identifier contains a control character.'),
  PREFIX_TOO_LONG: invalidHandle('The prefix is longer than 64 bytes.'),
  PREFIX_LEADING_DOT: invalidHandle('The prefix starts with a dot.'),
  PREFIX_TRAILING_DOT: invalidHandle('The prefix ends with a dot.'),
  PREFIX_EMPTY_SEGMENT: invalidHandle('The prefix has two dots in a row (an empty segment).'),
  PREFIX_INVALID_CHARACTER: invalidHandle('A prefix segment holds a character other than A-Z, a-z, 0-9, "-" or "_".'),

  // Values (DESIGN §1).
  VALUES_MISSING: invalidValue('The request carries no values; an identifier holds at least one.'),
  VALUES_TOO_MANY: invalidValue('The request carries more values than one identifier may hold.'),
  VALUE_NOT_OBJECT: invalidValue('A value is not a JSON object.'),
  VALUE_INDEX_INVALID: invalidValue('A value index is not an integer from 1 to 2147483647.'),
  VALUE_INDEX_DUPLICATE: invalidValue('Two values share one index.'),
  VALUE_INDEX_RESERVED: invalidValue('A reserved index (100, 300, 1001) holds a value of the wrong type.'),
  VALUE_TYPE_INVALID: invalidValue('A value type is missing, empty, longer than 255 bytes, or has control characters.'),
  VALUE_FORMAT_UNKNOWN: invalidValue('A value data format is not string, base64, hex or admin.'),
  VALUE_DATA_INVALID: invalidValue('A value data does not match its format.'),
  VALUE_DATA_TOO_LARGE: invalidValue('A value data is larger than the configured limit.'),
  VALUE_TTL_INVALID: invalidValue('A value ttl is not an integer number of seconds from 0 to 2147483647.'),
  VALUE_PERMISSIONS_INVALID: invalidValue('A value permissions field is not four binary digits, or publishes a secret key.'),
  VALUE_REFERENCES_INVALID: invalidValue('A value references field is not a list of {handle, index}.'),
  VALUES_WOULD_BE_EMPTY: invalidValue('Deleting these values would leave the identifier with none; delete the identifier instead.'),

  // Request shape.
  BODY_MALFORMED_JSON: badRequest('The request body is not valid JSON.'),
  BODY_UNSUPPORTED_MEDIA_TYPE: badRequest('The request body has a content type other than application/json.', 415),
  BODY_TOO_LARGE: badRequest('The request body is larger than the configured limit.', 413),
  REQUEST_INVALID: badRequest('A request parameter or body field is missing or malformed.'),
  ROUTE_NOT_FOUND: { summary: 'No such endpoint.', httpStatus: 404, grpcStatus: 12, handleCode: 5 },

  // State.
  HANDLE_NOT_FOUND: { summary: 'The identifier does not exist.', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND, handleCode: 100 },
  HANDLE_ALREADY_EXISTS: { summary: 'The identifier exists and overwrite=false.', httpStatus: 409, grpcStatus: GrpcStatus.ALREADY_EXISTS, handleCode: 101 },
  VALUE_ALREADY_EXISTS: { summary: 'A value at that index exists and overwrite=false.', httpStatus: 409, grpcStatus: GrpcStatus.ALREADY_EXISTS, handleCode: 201 },
  HANDLE_DUPLICATE_IN_REQUEST: { summary: 'The identifier occurs more than once in one batch or import; the later occurrence is refused.', httpStatus: 409, grpcStatus: GrpcStatus.ALREADY_EXISTS, handleCode: 101 },
  NOT_HOMED: { summary: "The identifier's prefix is not homed on this node.", httpStatus: 400, grpcStatus: GrpcStatus.FAILED_PRECONDITION, handleCode: 301 },
  PREFIX_ALREADY_HOMED: { summary: 'The prefix is already homed on this node.', httpStatus: 409, grpcStatus: GrpcStatus.ALREADY_EXISTS, handleCode: 101 },
  PREFIX_CONFIGURED: { summary: 'The prefix is homed by configuration and cannot be unhomed over the API.', httpStatus: 403, grpcStatus: GrpcStatus.FAILED_PRECONDITION, handleCode: 401 },
  ENTERPRISE_PREFIX_TAKEN: { summary: 'The enterprise prefix is already allocated.', httpStatus: 409, grpcStatus: GrpcStatus.ALREADY_EXISTS, handleCode: 101 },
  PRINCIPAL_REVOKED: { summary: 'The credential was revoked; it cannot be rotated.', httpStatus: 403, grpcStatus: GrpcStatus.FAILED_PRECONDITION, handleCode: 400 },
  ENTERPRISE_NOT_FOUND: { summary: 'No enterprise holds that prefix.', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND, handleCode: 100 },

  // Authentication and authorisation.
  AUTHENTICATION_REQUIRED: { summary: 'The operation needs credentials.', httpStatus: 401, grpcStatus: GrpcStatus.UNAUTHENTICATED, handleCode: 402 },
  CREDENTIALS_MALFORMED: { summary: 'The credentials are not "Basic" with username {index}:{handle} and a secret.', httpStatus: 401, grpcStatus: GrpcStatus.UNAUTHENTICATED, handleCode: 402 },
  AUTHENTICATION_FAILED: { summary: 'Unknown identity, wrong secret, or revoked credential.', httpStatus: 403, grpcStatus: GrpcStatus.UNAUTHENTICATED, handleCode: 403 },
  CREDENTIALS_REQUIRE_TLS: { summary: 'Credentials over plain HTTP are accepted from loopback only; use TLS.', httpStatus: 403, grpcStatus: GrpcStatus.UNAUTHENTICATED, handleCode: 403 },
  PERMISSION_DENIED: { summary: "The caller has no right to do that under this prefix.", httpStatus: 403, grpcStatus: GrpcStatus.PERMISSION_DENIED, handleCode: 401 },

  // The node itself.
  NODE_UNREACHABLE: { summary: 'A client command (idnode import) could not reach the node: connection refused, timed out, or 502/503/504.', httpStatus: 503, grpcStatus: GrpcStatus.UNAVAILABLE, handleCode: 3 },
  STORE_UNAVAILABLE: { summary: 'The store could not be reached; retry later.', httpStatus: 503, grpcStatus: GrpcStatus.UNAVAILABLE, handleCode: 3 },
  INTERNAL_ERROR: { summary: 'An unexpected error; the request changed nothing it had not committed.', httpStatus: 500, grpcStatus: GrpcStatus.INTERNAL, handleCode: 2 },
  CONFIG_INVALID: { summary: 'A configuration setting is invalid (start-up only).', httpStatus: 500, grpcStatus: GrpcStatus.INTERNAL, handleCode: 2 },

  // Metering, eligibility and the ledger (DESIGN §2).
  POLICY_INVALID: { summary: 'An award policy file is malformed; the message names the field.', httpStatus: 500, grpcStatus: GrpcStatus.INTERNAL, handleCode: 2 },
  POLICY_NOT_FOUND: { summary: 'No award policy has that id.', httpStatus: 404, grpcStatus: GrpcStatus.NOT_FOUND, handleCode: 100 },
  LEDGER_VERIFICATION_FAILED: {
    summary: 'An exported ledger does not verify against the public key: a day was changed, removed or reordered (named in the message).',
    httpStatus: 422,
    grpcStatus: GrpcStatus.FAILED_PRECONDITION,
    handleCode: 4,
  },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

/** A failure with a catalogue code. `message` names the problem in terms of the caller's input. */
export class IdnodeError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly grpcStatus: number;
  readonly handleCode: number;
  /** The identifier the failure concerns, when there is one (echoed as `handle` on the REST wire). */
  readonly handle: string | undefined;

  constructor(code: ErrorCode, message: string, options: { handle?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry: CatalogueEntry = CATALOGUE[code];
    this.name = 'IdnodeError';
    this.code = code;
    this.httpStatus = entry.httpStatus;
    this.grpcStatus = entry.grpcStatus;
    this.handleCode = entry.handleCode;
    this.handle = options.handle;
  }
}

export function isIdnodeError(error: unknown): error is IdnodeError {
  return error instanceof IdnodeError;
}
