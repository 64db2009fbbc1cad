import type { LedgerEntry } from '../ledger/ledger-entry.js';
import type { HandleRecord } from '../store/store.js';
import type { ConnectionState } from '../top/connection-report.js';

/**
 * How the node talks to its national top-level node: implemented outside the core (src/connect, over HTTP),
 * so the core stays free of network I/O; tests give a double. Every method throws IdnodeError
 * TOP_LEVEL_UNREACHABLE when the top-level node cannot be reached or fails (a retry later may work), and the
 * top-level node's own refusal otherwise (AUTHENTICATION_FAILED, NODE_KEY_MISMATCH, PREFIX_CLAIMED,
 * PERMISSION_DENIED, REPORT_REFUSED, …).
 */
export interface TopLevelLink {
  /** The top-level node's base URL (for reports and logs). */
  readonly url: string;
  /** The node's account id at the top-level node. */
  readonly nodeId: string;
  /** Registers the node's public key (first connection) or checks it (later ones); returns what the top holds. */
  connect(publicKeyPem: string): Promise<ConnectionState>;
  /** Homes `prefix` at the top-level node with this node's HS_SITE data (base64). Idempotent. */
  homePrefix(prefix: string, siteBase64: string): Promise<void>;
  /** Reports one sealed day; resolves once the top-level node accepted it. */
  report(entry: LedgerEntry): Promise<void>;
  /** The prefix handle 0.NA/<prefix> as the top-level node answers it; `undefined` when it holds none. */
  resolvePrefixHandle(prefix: string): Promise<HandleRecord | undefined>;
}
