import { isIP } from 'node:net';

/** The Handle protocol's registered port (RFC 3652 §2.1), for UDP and TCP alike. */
export const HANDLE_PORT = 2641;

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Reads `HOST:PORT` (`[IPv6]:PORT` for an IPv6 address; a bare host means port 2641). Returns a description
 * of the problem instead when it is not one, for the caller to report as a usage error.
 */
export function parseHostPort(text: string): HostPort | string {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:[\]]+)(?::(\d+))?$/.exec(text);
  if (match === null) return `must be HOST:PORT (an IPv6 address in brackets: [::1]:2641), got ${JSON.stringify(text)}`;
  const [, host, portText] = match;
  if (text.startsWith('[') && isIP(host!) !== 6) return `${JSON.stringify(host)} in brackets is not an IPv6 address`;
  const port = portText === undefined ? HANDLE_PORT : Number(portText);
  if (!(port >= 1 && port <= 65535)) return `the port must be from 1 to 65535, got ${portText}`;
  return { host: host!, port };
}

/** host:port as it was given (IPv6 in brackets). */
export function formatHostPort(address: HostPort): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}
