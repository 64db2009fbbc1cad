import type { Clock } from '../clock/clock.js';
import { ipAddressBytes } from './ip-address.js';
import {
  ADDRESS_BYTES,
  encodeSiteInfo,
  HANDLE_PROTOCOL_VERSION,
  SITE_DATA_FORMAT_VERSION,
  type ServiceInterface,
  type SiteAttribute,
  type SiteInfo,
} from './site-info.js';

/**
 * What one front end adds to the node's site once it listens: the Handle-protocol interfaces it serves
 * (REST: HTTP or HTTPS; the Handle protocol: UDP and TCP) and attributes for what an interface cannot say
 * (gRPC has no interface protocol code, so it is an attribute). See FrontEnd.describe.
 */
export interface SiteContribution {
  readonly interfaces?: readonly ServiceInterface[];
  readonly attributes?: readonly SiteAttribute[];
}

/** What `serve` tells the core once every front end is bound. */
export interface SiteDescription {
  /**
   * The address the front ends listen on (the `host` setting): an IP address gives the server's address; a
   * wildcard (0.0.0.0, ::) gives all zeros; a host name gives all zeros and a `domain` attribute naming it
   * (HANDLE.NET's convention for a server reached by name).
   */
  readonly host: string;
  /** The site's `desc` attribute, e.g. "idnode 0.13.0". */
  readonly description: string;
  /** One per front end serving, in start order. */
  readonly contributions: readonly SiteContribution[];
}

/** The one server of this node's site (replicas sharing a store each describe themselves). */
export const SITE_SERVER_ID = 1;
const DESCRIPTION_ATTRIBUTE = 'desc';
const DOMAIN_ATTRIBUTE = 'domain';

/**
 * This node as a Handle site (RFC 3651 §3.2.2): what the Handle protocol's "get site info" (opcode 2)
 * answers and what the HS_SITE value of every prefix handle 0.NA/<prefix> homed here holds. Until `serve`
 * describes the listeners, the site has no server (a node built without front ends, as in tests).
 *
 * The serial number is derived from the rest of the record (1 to 32767: readers of a signed int2 see it
 * positive), so it changes whenever the description does, also across restarts, and a client holding an
 * older copy of the site (it sends the serial in every request header) can tell.
 */
export class NodeSite {
  private info: SiteInfo;
  private bytes: Buffer;
  private describedAtMs: number;
  private readonly changeListeners: (() => void)[] = [];

  constructor(private readonly clock: Clock) {
    this.info = siteOf({ host: '::', description: 'idnode', contributions: [] }, []);
    this.bytes = encodeSiteInfo(this.info);
    this.describedAtMs = clock.now();
  }

  /** The site as last described. */
  current(): SiteInfo {
    return this.info;
  }

  /** encodeSiteInfo(current()), encoded once per description. */
  currentBytes(): Buffer {
    return this.bytes;
  }

  /** When the site was last described (epoch ms): the timestamp of its HS_SITE values. */
  describedAt(): number {
    return this.describedAtMs;
  }

  /**
   * Replaces the description (serve calls it once the front ends are bound). Throws SITE_INFO_MALFORMED for
   * an interface whose port is out of range. When the record changes, the listeners (the resolution cache,
   * which holds HS_SITE values) are told.
   */
  describe(description: SiteDescription): SiteInfo {
    const info = siteOf(description, description.contributions);
    const bytes = encodeSiteInfo(info);
    if (!bytes.equals(this.bytes)) {
      this.info = info;
      this.bytes = bytes;
      this.describedAtMs = this.clock.now();
      for (const listener of this.changeListeners) listener();
    }
    return this.info;
  }

  /** Calls `listener` after every change of the site. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }
}

function siteOf(description: SiteDescription, contributions: readonly SiteContribution[]): SiteInfo {
  const address = ipAddressBytes(description.host);
  const attributes: SiteAttribute[] = [{ name: DESCRIPTION_ATTRIBUTE, value: description.description }];
  const interfaces: ServiceInterface[] = [];
  for (const contribution of contributions) {
    interfaces.push(...(contribution.interfaces ?? []));
    attributes.push(...(contribution.attributes ?? []));
  }
  if (address === undefined) attributes.push({ name: DOMAIN_ATTRIBUTE, value: description.host });
  const unserialised: SiteInfo = {
    dataFormatVersion: SITE_DATA_FORMAT_VERSION,
    protocolVersion: HANDLE_PROTOCOL_VERSION,
    serialNumber: 0,
    primary: true,
    multiPrimary: false,
    hashOption: 'all',
    hashFilter: new Uint8Array(0),
    attributes,
    servers:
      interfaces.length === 0
        ? []
        : [{ serverId: SITE_SERVER_ID, address: address ?? new Uint8Array(ADDRESS_BYTES), publicKey: new Uint8Array(0), interfaces }],
  };
  return { ...unserialised, serialNumber: serialOf(encodeSiteInfo(unserialised)) };
}

/** 1..32767 from the bytes (FNV-1a): equal records get equal serials on every start. */
function serialOf(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash % 32767) + 1;
}
