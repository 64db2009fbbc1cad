import { ADDRESS_BYTES } from './site-info.js';

/**
 * The 16-byte server address of a site record (RFC 3651 §3.2.2) for an IP address written as text, the way
 * HANDLE.NET writes it: an IPv6 address as its 16 bytes, an IPv4 address zero-padded on the left (::a.b.c.d,
 * not the ::ffff: mapped form). A wildcard (0.0.0.0, ::) gives all zeros, which HANDLE.NET reads as "no
 * address: use the site's `domain` attribute". Returns `undefined` for text that is no IP address (a host
 * name): the core resolves no names. Brackets around an IPv6 address are accepted.
 */
export function ipAddressBytes(text: string): Uint8Array | undefined {
  const host = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const bytes = new Uint8Array(ADDRESS_BYTES);
  const v4 = ipv4Bytes(host);
  if (v4 !== undefined) {
    bytes.set(v4, ADDRESS_BYTES - 4);
    return bytes;
  }
  return ipv6Bytes(host);
}

/**
 * The text of a site record's address: dotted IPv4 when the first 12 bytes are zero (HANDLE.NET's form) or
 * hold the ::ffff: mapping, otherwise IPv6 with the longest run of zero groups compressed.
 */
export function ipAddressText(bytes: Uint8Array): string {
  const zeros = bytes.subarray(0, 10).every((byte) => byte === 0);
  const mapped = zeros && bytes[10] === 0xff && bytes[11] === 0xff;
  if ((zeros && bytes[10] === 0 && bytes[11] === 0) || mapped) return Array.from(bytes.subarray(12, 16)).join('.');
  const groups: number[] = [];
  for (let i = 0; i < ADDRESS_BYTES; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let end = i;
    while (end < groups.length && groups[end] === 0) end++;
    if (end - i > bestLength) [bestStart, bestLength] = [i, end - i];
    i = end;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

function ipv4Bytes(text: string): number[] | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function ipv6Bytes(text: string): Uint8Array | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const bytes = new Uint8Array(ADDRESS_BYTES);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

/** The 16-bit groups of one side of "::"; a trailing dotted IPv4 counts as two groups. */
function groupsOf(part: string): number[] | undefined {
  if (part === '') return [];
  const pieces = part.split(':');
  const groups: number[] = [];
  for (const [i, piece] of pieces.entries()) {
    const v4 = i === pieces.length - 1 ? ipv4Bytes(piece) : undefined;
    if (v4 !== undefined) groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    else if (HEX_GROUP.test(piece)) groups.push(parseInt(piece, 16));
    else return undefined;
  }
  return groups;
}
