import t from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import { ipAddressBytes, ipAddressText } from '../../src/core/site/ip-address.js';
import { decodeSiteInfo, encodeSiteInfo, HANDLE_PROTOCOL_VERSION, SITE_DATA_FORMAT_VERSION, type SiteInfo } from '../../src/core/site/site-info.js';

/** Bytes written as hex groups, each line's groups followed by a comment (from the first token that is not hex). */
function hex(text: string): Buffer {
  const groups: string[] = [];
  for (const line of text.split('\n')) {
    for (const token of line.trim().split(/\s+/)) {
      if (!/^[0-9a-f]+$/.test(token)) break;
      groups.push(token);
    }
  }
  return Buffer.from(groups.join(''), 'hex');
}

/** One server at 127.0.0.1 with UDP and TCP on 2641 and HTTP on 8000: the shape of a HANDLE.NET site. */
const SITE: SiteInfo = {
  dataFormatVersion: SITE_DATA_FORMAT_VERSION,
  protocolVersion: HANDLE_PROTOCOL_VERSION,
  serialNumber: 7,
  primary: true,
  multiPrimary: false,
  hashOption: 'all',
  hashFilter: new Uint8Array(0),
  attributes: [{ name: 'desc', value: 'idnode' }],
  servers: [
    {
      serverId: 1,
      address: ipAddressBytes('127.0.0.1')!,
      publicKey: new Uint8Array(0),
      interfaces: [
        { type: 'query', protocol: 'udp', port: 2641 },
        { type: 'admin-and-query', protocol: 'tcp', port: 2641 },
        { type: 'admin-and-query', protocol: 'http', port: 8000 },
      ],
    },
  ],
};

// Derived by hand from RFC 3651 §3.2.2 (field by field, big-endian), with HANDLE.NET's codes for the
// enumerations (hash 2 = by whole handle; interface type 1 admin, 2 query, 3 both; protocol 0 UDP, 1 TCP,
// 2 HTTP) and its zero-padded IPv4 address.
const SITE_BYTES = hex(`
  0001                                  version 1
  02 0a                                 protocol 2.10
  0007                                  serial number 7
  80                                    primary site, not multi-primary
  02                                    hash by whole handle
  00000000                              no hash filter
  00000001                              one attribute
    00000004 64657363                   "desc"
    00000006 69646e6f6465               "idnode"
  00000001                              one server
    00000001                            server id 1
    00000000 00000000 00000000 7f000001 ::127.0.0.1
    00000000                            no public key
    00000003                            three interfaces
      02 00 00000a51                    query, UDP, 2641
      03 01 00000a51                    admin and query, TCP, 2641
      03 02 00001f40                    admin and query, HTTP, 8000
`);

t.test('encodes a site byte for byte as RFC 3651 lays it out', async (t) => {
  t.equal(encodeSiteInfo(SITE).toString('hex'), SITE_BYTES.toString('hex'));
  t.equal(SITE_BYTES.length, 2 + 2 + 2 + 1 + 1 + 4 + 4 + (4 + 4) + (4 + 6) + 4 + 4 + 16 + 4 + 4 + 3 * 6);
});

t.test('decodes those bytes back into the same site, and round-trips richer ones', async (t) => {
  t.same(decodeSiteInfo(SITE_BYTES), SITE);
  const rich: SiteInfo = {
    ...SITE,
    serialNumber: 65535,
    primary: false,
    multiPrimary: true,
    hashOption: 'suffix',
    hashFilter: Buffer.from('filter'),
    attributes: [
      { name: 'desc', value: '淄博二级节点' },
      { name: 'domain', value: 'node.example.cn' },
    ],
    servers: [
      { serverId: -1, address: ipAddressBytes('2001:db8::1')!, publicKey: Buffer.from([1, 2, 3]), interfaces: [] },
      { serverId: 2147483647, address: ipAddressBytes('0.0.0.0')!, publicKey: new Uint8Array(0), interfaces: [{ type: 'out-of-service', protocol: 'https', port: 0 }, { type: 'admin', protocol: 'tcp', port: 65535 }] },
    ],
  };
  const bytes = encodeSiteInfo(rich);
  t.same(decodeSiteInfo(bytes), rich);
  t.same(encodeSiteInfo(decodeSiteInfo(bytes)), bytes);
  t.same(decodeSiteInfo(encodeSiteInfo({ ...SITE, hashOption: 'prefix', attributes: [], servers: [] })).hashOption, 'prefix');
});

t.test('the decoded site shares no memory with the bytes it came from', async (t) => {
  const bytes = Buffer.from(SITE_BYTES);
  const site = decodeSiteInfo(bytes);
  bytes.fill(0);
  t.equal(ipAddressText(site.servers[0]!.address), '127.0.0.1');
});

function codeAndMessage(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (error) {
    return error instanceof IdnodeError ? `${error.code}: ${error.message}` : `not an IdnodeError: ${String(error)}`;
  }
}

t.test('every truncation of a valid record is refused with SITE_INFO_MALFORMED, never a crash or a partial site', async (t) => {
  for (let length = 0; length < SITE_BYTES.length; length++) {
    const outcome = codeAndMessage(() => decodeSiteInfo(SITE_BYTES.subarray(0, length)));
    // A cut may fall where a count says more follows than fits: refused as not fitting rather than truncated.
    t.match(outcome, /^SITE_INFO_MALFORMED: site info (is truncated|.* does not fit the \d+ bytes left)/, `cut at ${length}`);
  }
  t.match(codeAndMessage(() => decodeSiteInfo(SITE_BYTES.subarray(0, 5))), 'serial number needs 2 bytes at offset 4, only 1 left');
});

t.test('hostile records are refused naming the field', async (t) => {
  const withTrailing = Buffer.concat([SITE_BYTES, Buffer.from([0])]);
  t.match(codeAndMessage(() => decodeSiteInfo(withTrailing)), 'SITE_INFO_MALFORMED: site info has 1 unexpected bytes after its last server');
  const patched = (offset: number, bytes: number[]) => {
    const copy = Buffer.from(SITE_BYTES);
    copy.set(bytes, offset);
    return copy;
  };
  // A count of 2^31-1 attributes must not allocate anything: it cannot fit the bytes left.
  t.match(codeAndMessage(() => decodeSiteInfo(patched(12, [0x7f, 0xff, 0xff, 0xff]))), 'attribute count 2147483647 does not fit');
  t.match(codeAndMessage(() => decodeSiteInfo(patched(12, [0xff, 0xff, 0xff, 0xff]))), 'attribute count -1 does not fit');
  t.match(codeAndMessage(() => decodeSiteInfo(patched(16, [0xff, 0xff, 0xff, 0xfe]))), 'attributes[0].name has a negative length (-2)');
  t.match(codeAndMessage(() => decodeSiteInfo(patched(7, [9]))), 'hash option 9 is none of 0 (prefix), 1 (suffix), 2 (all)');
  const firstInterface = SITE_BYTES.length - 18;
  t.match(codeAndMessage(() => decodeSiteInfo(patched(firstInterface, [4]))), 'servers[0].interfaces[0].type 4 is none of');
  t.match(codeAndMessage(() => decodeSiteInfo(patched(firstInterface + 1, [7]))), 'servers[0].interfaces[0].protocol 7 is none of');
  t.match(codeAndMessage(() => decodeSiteInfo(patched(firstInterface + 2, [0, 1, 0, 0]))), 'servers[0].interfaces[0].port must be 0 to 65535, got 65536');
  // "desc" with a byte that is no UTF-8.
  t.match(codeAndMessage(() => decodeSiteInfo(patched(20, [0xff]))), 'attributes[0].name is not valid UTF-8');
});

t.test('encoding refuses a field out of its range, naming it', async (t) => {
  const server = SITE.servers[0]!;
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, serialNumber: 65536 })), 'SITE_INFO_MALFORMED: site info serialNumber must be an integer from 0 to 65535, got 65536');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, dataFormatVersion: 1.5 })), 'dataFormatVersion must be an integer');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, protocolVersion: { major: 256, minor: 0 } })), 'protocolVersion.major');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, hashOption: 'middle' as never })), 'hashOption must be one of prefix, suffix, all, got middle');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, servers: [{ ...server, address: new Uint8Array(4) }] })), 'servers[0].address must be 16 bytes, got 4');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, servers: [{ ...server, serverId: 2 ** 31 }] })), 'servers[0].serverId');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, servers: [{ ...server, interfaces: [{ type: 'query', protocol: 'udp', port: -1 }] }] })), 'servers[0].interfaces[0].port');
  t.match(codeAndMessage(() => encodeSiteInfo({ ...SITE, servers: [{ ...server, interfaces: [{ type: 'query', protocol: 'quic' as never, port: 1 }] }] })), 'servers[0].interfaces[0].protocol must be one of udp, tcp, http, https');
});

t.test('addresses: IPv4 zero-padded as HANDLE.NET writes it, IPv6 as its 16 bytes, names refused', async (t) => {
  const text = (address: string) => Buffer.from(ipAddressBytes(address)!).toString('hex');
  t.equal(text('192.0.2.1'), '000000000000000000000000c0000201');
  t.equal(text('0.0.0.0'), '0'.repeat(32));
  t.equal(text('::'), '0'.repeat(32));
  t.equal(text('::1'), '0'.repeat(31) + '1');
  t.equal(text('[2001:db8::8:800:200c:417a]'), '20010db80000000000080800200c417a');
  t.equal(text('::ffff:192.0.2.1'), '00000000000000000000ffffc0000201');
  t.equal(text('1:2:3:4:5:6:7:8'), '00010002000300040005000600070008');
  for (const bad of ['localhost', 'node.example.cn', '256.0.0.1', '1.2.3', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', '1:2:3:4::5:6:7:8', '']) {
    t.equal(ipAddressBytes(bad), undefined, `${JSON.stringify(bad)} is no IP address`);
  }
  for (const [address, expected] of [
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['fe80::', 'fe80::'],
    ['1:0:2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
  ] as const) {
    t.equal(ipAddressText(ipAddressBytes(address)!), expected, `${address} reads back as ${expected}`);
  }
});
