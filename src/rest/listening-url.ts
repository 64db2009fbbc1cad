import type { AddressInfo } from 'node:net';
import { IdnodeError } from '../core/errors/catalogue.js';

/**
 * The URL clients on this machine use to reach a server bound to `address`: a wildcard bind (0.0.0.0, ::)
 * is reported as the loopback address of its family, an IPv6 address is bracketed.
 */
export function listeningUrl(address: AddressInfo | string | null, tls: boolean): string {
  if (address === null || typeof address === 'string') throw new IdnodeError('INTERNAL_ERROR', `the HTTP server is not listening on a TCP port (address ${String(address)})`);
  let host = address.address;
  if (host === '0.0.0.0') host = '127.0.0.1';
  if (host === '::') host = '::1';
  if (host.includes(':')) host = `[${host}]`;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}
