/**
 * The one error catalogue. Every failure the node reports to a caller is an IdnodeError whose code is a key
 * of CATALOGUE. An entry holds what every front end shares: what the code means, its Handle response code
 * (RFC 3652) and its class (whose fault it is, which decides log level and metrics outcome). Each front end
 * maps the code to its own status in one table of its own (src/rest/http-status.ts, src/grpc/grpc-status.ts),
 * typed by ErrorCode so that a new code cannot go unmapped; nothing else decides a status, so the same
 * operation fails identically through every front end.
 *
 * Handle response codes are those of RFC 3652 §2.2.2.3 (1 success, 2 error, 4 protocol error,
 * 3 server too busy, 5 operation not supported, 100 handle not found, 101 handle exists, 102 invalid handle, 200 values not found, 201 value exists,
 * 202 invalid value, 301 server not responsible, 400 invalid admin, 401 insufficient permissions,
 * 402 authentication needed, 403 authentication failed).
 */

/**
 * Whose fault a failure is. client: the request was wrong; repeating it unchanged fails again (logged at
 * info, counted as client_error). server: the node failed (logged as an error with its cause, counted as
 * server_error). retry-later: something the node depends on is unavailable for now; the same request may
 * succeed later (logged and counted as server_error).
 */
export type ErrorClass = 'client' | 'server' | 'retry-later';

export interface CatalogueEntry {
  /** What the code means, for the README's error table. */
  readonly summary: string;
  readonly class: ErrorClass;
  readonly handleCode: number;
}

const refusal = (handleCode: number) => (summary: string): CatalogueEntry => ({ summary, class: 'client', handleCode });
const invalidHandle = refusal(102);
const invalidValue = refusal(202);
const badRequest = refusal(4);

export const CATALOGUE = {
  // Identifier syntax (docs/design.md §1): one code per broken rule.
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

  // Values (docs/design.md §1).
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
  BODY_UNSUPPORTED_MEDIA_TYPE: badRequest('The request body has a content type other than application/json.'),
  BODY_TOO_LARGE: badRequest('The request body is larger than the configured limit.'),
  REQUEST_INVALID: badRequest('A request parameter or body field is missing or malformed.'),
  ROUTE_NOT_FOUND: { summary: 'No such endpoint.', class: 'client', handleCode: 5 },
  PROTOCOL_MESSAGE_MALFORMED: badRequest('A Handle protocol message is truncated, inconsistent or over a size limit; the message names the field.'),
  OPERATION_NOT_SUPPORTED: { summary: 'The Handle protocol operation (opcode) or message option is not served by this node.', class: 'client', handleCode: 5 },

  // State.
  HANDLE_NOT_FOUND: { summary: 'The identifier does not exist.', class: 'client', handleCode: 100 },
  HANDLE_ALREADY_EXISTS: { summary: 'The identifier exists and overwrite=false.', class: 'client', handleCode: 101 },
  VALUE_ALREADY_EXISTS: { summary: 'A value at that index exists and overwrite=false.', class: 'client', handleCode: 201 },
  HANDLE_DUPLICATE_IN_REQUEST: { summary: 'The identifier occurs more than once in one batch or import; the later occurrence is refused.', class: 'client', handleCode: 101 },
  NOT_HOMED: { summary: "The identifier's prefix is not homed on this node.", class: 'client', handleCode: 301 },
  PREFIX_ALREADY_HOMED: { summary: 'The prefix is already homed on this node.', class: 'client', handleCode: 101 },
  PREFIX_CONFIGURED: { summary: 'The prefix is homed by configuration and cannot be unhomed over the API.', class: 'client', handleCode: 401 },
  ENTERPRISE_PREFIX_TAKEN: { summary: 'The enterprise prefix is already allocated.', class: 'client', handleCode: 101 },
  PRINCIPAL_REVOKED: { summary: 'The credential was revoked; it cannot be rotated (an enterprise is reinstated instead).', class: 'client', handleCode: 400 },
  ENTERPRISE_NOT_FOUND: { summary: 'No enterprise holds that prefix.', class: 'client', handleCode: 100 },
  AUDITOR_NOT_FOUND: { summary: 'No auditor has that identity.', class: 'client', handleCode: 100 },
  PREFIX_HANDLE_DERIVED: {
    summary: 'A prefix handle 0.NA/<prefix> is derived from the homed prefixes and the site info, never stored: it cannot be written.',
    class: 'client',
    handleCode: 401,
  },

  // Authentication and authorisation.
  AUTHENTICATION_REQUIRED: { summary: 'The operation needs credentials.', class: 'client', handleCode: 402 },
  CREDENTIALS_MALFORMED: { summary: 'The credentials are neither "Basic" with username {index}:{handle} and a secret nor "Bearer" with a login token.', class: 'client', handleCode: 402 },
  AUTHENTICATION_FAILED: { summary: 'Unknown identity, wrong secret, or revoked credential.', class: 'client', handleCode: 403 },
  CREDENTIALS_REQUIRE_TLS: { summary: 'Credentials over plain HTTP are accepted from loopback only; use TLS.', class: 'client', handleCode: 403 },
  PERMISSION_DENIED: { summary: "The caller has no right to do that under this prefix.", class: 'client', handleCode: 401 },
  AUTHENTICATION_THROTTLED: {
    summary: 'Too many failed logins for this identity or from this address; retry after the Retry-After seconds (gRPC: retry-after metadata).',
    class: 'retry-later',
    handleCode: 3,
  },

  // Quotas per enterprise (docs/design.md §2, "Quotas"): the identifier system's limits.
  REGISTRATION_LIMIT_EXCEEDED: {
    summary: "The enterprise has created its registration count limit of new identifiers for today (its quota); retry after Retry-After (the next metering day).",
    class: 'client',
    handleCode: 3,
  },
  RESOLUTION_LIMIT_EXCEEDED: {
    summary: "The identifiers under this enterprise prefix have had their request limit of resolutions for today (its quota); retry after Retry-After (the next metering day).",
    class: 'client',
    handleCode: 3,
  },
  RATE_LIMIT_EXCEEDED: {
    summary: "The enterprise's credentials made more requests per second than its rate limit; retry after Retry-After.",
    class: 'retry-later',
    handleCode: 3,
  },

  // The node itself.
  NODE_UNREACHABLE: { summary: "A client command (idnode import, idnode resolve) could not reach the node: connection refused, timed out, 502/503/504, or an answer that is not the node's protocol.", class: 'retry-later', handleCode: 3 },
  STORE_UNAVAILABLE: { summary: 'The store could not be reached; retry later.', class: 'retry-later', handleCode: 3 },
  NODE_BUSY: {
    summary: 'The node is at its limit (max-in-flight requests being served, or a standing queueing delay over queue-delay-target-ms) and sheds this one unread; retry after the Retry-After seconds.',
    class: 'retry-later',
    handleCode: 3,
  },
  INTERNAL_ERROR: { summary: 'An unexpected error; the request changed nothing it had not committed.', class: 'server', handleCode: 2 },
  CONFIG_INVALID: { summary: 'A configuration setting is invalid (start-up only).', class: 'server', handleCode: 2 },
  STORE_NOT_FOUND: {
    summary: 'An admin command found no idnode store where the configuration points (data directory or PostgreSQL schema); it created none (run `idnode serve` there first, or pass --create).',
    class: 'client',
    handleCode: 100,
  },
  DATA_DIR_LOCKED: {
    summary: 'Another idnode serve process holds the data directory (named with its pid in the message); one process per SQLite data directory.',
    class: 'client',
    handleCode: 3,
  },

  // Metering, eligibility and the ledger (docs/design.md §2).
  POLICY_INVALID: { summary: 'An award policy file is malformed; the message names the field.', class: 'server', handleCode: 2 },
  POLICY_NOT_FOUND: { summary: 'No award policy has that id.', class: 'client', handleCode: 100 },
  LEDGER_VERIFICATION_FAILED: {
    summary: 'An exported ledger does not verify against the public key: a day was changed, removed or reordered (named in the message).',
    class: 'client',
    handleCode: 4,
  },

  // Metadata templates (docs/design.md §1) and SNMS login tokens (§4).
  TEMPLATE_INVALID: badRequest('A metadata template is malformed (version, industry classification, or an item); the message names every problem.'),
  TEMPLATE_NOT_FOUND: { summary: 'The prefix has no metadata template of that version.', class: 'client', handleCode: 100 },
  TEMPLATE_ALREADY_EXISTS: { summary: 'The prefix already has a metadata template of that version.', class: 'client', handleCode: 101 },
  TEMPLATE_VIOLATED: invalidValue("The values break the identifier's metadata template; the message names every item violated."),
  TOKEN_INVALID: { summary: 'The bearer token is unknown, expired (24 h), or its credential was revoked or given a new secret; log in again.', class: 'client', handleCode: 402 },
  // Reverse lookup (docs/design.md §4).
  SEARCH_QUERY_INVALID: badRequest('A search has no condition, too many, or an empty, over-long or control-character pattern.'),
  SEARCH_TYPE_NOT_INDEXED: badRequest('A search names a value type whose values are not indexed (the message lists the searchable types).'),
  SEARCH_UNBOUNDED: badRequest('Every pattern of a search starts with "*" followed by more; at least one must start with some text (or be "*" alone), which bounds the index range read.'),
  SEARCH_LIMIT_INVALID: badRequest('A search limit is not from 1 to 1000, or a page lies beyond the first 10,000 results (page with the cursor instead).'),
  SEARCH_CURSOR_INVALID: badRequest('A search cursor is malformed or belongs to another query.'),
  SEARCH_TOO_BROAD: badRequest('A search paged by number read 20,000 index entries without completing its page; narrow the patterns or page with the cursor.'),
  // The national top-level node and the connection with it (docs/design.md §5, "Top-level node").
  PREFIX_CLAIMED: { summary: 'The top-level node refuses a prefix that belongs to another node (homed by it, or under its account prefixes).', class: 'client', handleCode: 101 },
  REPORT_REFUSED: {
    summary: 'The top-level node refused a sealed daily report (malformed, tampered, forged, replayed, a second version of a held day, a gap, or a broken chain); the message names the reason, and the refusal is kept in the connection report.',
    class: 'client',
    handleCode: 4,
  },
  NODE_KEY_MISMATCH: { summary: 'The node connected with another signing key than the one the top-level node registered on its first connection.', class: 'client', handleCode: 403 },
  TOP_LEVEL_UNREACHABLE: { summary: 'The national top-level node could not be reached or answered with an error; retry later.', class: 'retry-later', handleCode: 3 },
  // Recursive resolution (serve --recursive): another node's identifier resolved at the node serving it.
  REMOTE_NODE_UNAVAILABLE: {
    summary: 'Recursive resolution: the node serving the identifier (named by the top-level node) did not answer within recursion-timeout-ms, refused the connection, answered with an error, has too many lookups in flight, or failed moments ago (remembered for recursion-failure-ttl-ms); retry later.',
    class: 'retry-later',
    handleCode: 3,
  },
  RECURSION_LIMIT_EXCEEDED: {
    summary: 'Recursive resolution: the request was already referred recursion-max-hops times (a loop between nodes, or a node the top-level node names that does not serve the prefix); retry once the top-level node holds the right node.',
    class: 'retry-later',
    handleCode: 6,
  },

  // The Handle protocol's site information (RFC 3651 §3.2.2).
  SITE_INFO_MALFORMED: badRequest('Site information (HS_SITE data) is truncated, has trailing bytes, or a field out of its range.'),
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof CATALOGUE;

/** A failure with a catalogue code. `message` names the problem in terms of the caller's input. */
export class IdnodeError extends Error {
  readonly code: ErrorCode;
  readonly class: ErrorClass;
  readonly handleCode: number;
  /** The identifier the failure concerns, when there is one (echoed as `handle` on the REST wire). */
  readonly handle: string | undefined;
  /** Whole seconds after which a retry may succeed, for retry-later refusals that know it (REST Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { handle?: string; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry: CatalogueEntry = CATALOGUE[code];
    this.name = 'IdnodeError';
    this.code = code;
    this.class = entry.class;
    this.handleCode = entry.handleCode;
    this.handle = options.handle;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isIdnodeError(error: unknown): error is IdnodeError {
  return error instanceof IdnodeError;
}
