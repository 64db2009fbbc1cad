import type { SiteContribution } from '../core/site/node-site.js';

/**
 * One way in to the node with a listener of its own (REST, gRPC, the Handle protocol; the SNMS-style API is routes of the REST listener). `serve` builds the
 * list of those that are on, starts them in order and stops them in reverse; the ready file, the
 * "idnode ready" log line and /readyz name each by `name` with the address its listen() resolved with.
 */
export interface FrontEnd {
  /**
   * The key of the front end in the ready file, the start-up log and /readyz, and the stem of its port
   * setting ("http" for http-port, "grpc" for grpc-port). Unique in the list.
   */
  readonly name: string;
  /**
   * Builds the front end, binds its port and starts serving; called once. Resolves with the address a
   * client on this machine uses (REST: a URL; gRPC: host:port). Rejects when it cannot serve (a port in
   * use: IdnodeError CONFIG_INVALID or the listener's own error); close() must still be called then.
   */
  listen(): Promise<string>;
  /**
   * Stops accepting, lets in-flight requests finish within the front end's grace, then resolves. Safe to
   * call when listen() failed or was never called.
   */
  close(): Promise<void>;
  /**
   * What this front end adds to the node's Handle site (HS_SITE, opcode 2) once listen() resolved: the
   * Handle-protocol interfaces it serves (protocol, port, admin/query) and attributes. `serve` collects them
   * from every front end and hands them to node.site.describe. Absent: it adds nothing.
   */
  describe?(): SiteContribution;
}

/** The front ends serving now, by name, with their addresses (filled as each listens, emptied as each closes). */
export type ServingFrontEnds = ReadonlyMap<string, string>;
