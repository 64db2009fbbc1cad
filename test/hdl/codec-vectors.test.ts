import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  ByteReader,
  ByteWriter,
  decodeAdminData,
  decodeMessage,
  decodeResolutionRequest,
  encodeAdminData,
  encodeMessage,
  encodeResolutionRequest,
  adminPermissionString,
  fromWireHandleValue,
  readHandleValue,
  readHeader,
  toWireHandleValue,
  writeHandleValue,
  writeHeader,
  OpCode,
  OpFlag,
  type WireHandleValue,
} from '../../src/hdl/codec/index.js';

// The vectors of test/fixtures/handle-protocol-vectors.json, produced by HANDLE.NET: each decodes to the
// fields listed beside it and re-encodes to the same bytes.

interface Vector {
  name: string;
  hex?: string;
  parts?: { header: string; body: string; credential: string };
  fields: Record<string, unknown>;
}
const { vectors } = JSON.parse(readFileSync(new URL('../fixtures/handle-protocol-vectors.json', import.meta.url), 'utf8')) as { vectors: Vector[] };
const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const find = (prefix: string) => vectors.find((vector) => vector.name.startsWith(prefix))!;

t.test('the resolution request: header, body and empty credential section', async (t) => {
  const vector = find('resolution request');
  const { header: headerHex, body: bodyHex, credential: credentialHex } = vector.parts!;
  const fields = vector.fields;
  const header = readHeader(new ByteReader(bytes(headerHex)));
  t.strictSame(
    { ...header, opFlags: `0x${header.opFlags.toString(16).padStart(8, '0')}` },
    {
      opCode: fields.opCode,
      responseCode: fields.responseCode,
      opFlags: fields.opFlags,
      siteInfoSerial: fields.siteInfoSerial,
      recursionCount: fields.recursionCount,
      expiration: fields.expiration,
      bodyLength: fields.bodyLength,
    },
  );
  t.equal(header.opFlags, (OpFlag.RECURSIVE | OpFlag.CACHE_CERTIFY | OpFlag.PUBLIC_ONLY) >>> 0, 'RECU|CACR|PUBL');
  const writer = new ByteWriter(8);
  writeHeader(writer, header);
  t.equal(writer.finish().toString('hex'), bytes(headerHex).toString('hex'), 'the header re-encodes byte for byte');

  const body = decodeResolutionRequest(bytes(bodyHex));
  t.strictSame(body, { handle: fields.handle, indexes: fields.indexes, types: fields.types });
  t.equal(encodeResolutionRequest(body).toString('hex'), bytes(bodyHex).toString('hex'), 'the body re-encodes byte for byte');

  // The three parts make one message behind an envelope; it decodes to them and encodes back to them.
  const message = bytes(headerHex + bodyHex + credentialHex);
  const envelope = Buffer.from('020a020b000000000000002a00000000', 'hex');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(message.length);
  const whole = Buffer.concat([envelope, length, message]);
  const decoded = decodeMessage(whole);
  t.equal(decoded.header.opCode, OpCode.RESOLUTION);
  t.equal(decoded.body.toString('hex'), bytes(bodyHex).toString('hex'));
  t.equal(decoded.credential, undefined, 'credential length 0: none');
  t.strictSame(
    { major: decoded.envelope.majorVersion, minor: decoded.envelope.minorVersion, suggested: [decoded.envelope.suggestedMajorVersion, decoded.envelope.suggestedMinorVersion], requestId: decoded.envelope.requestId },
    { major: 2, minor: 10, suggested: [2, 11], requestId: 42 },
  );
  const { bodyLength: _bodyLength, ...header2 } = decoded.header;
  const { messageLength: _messageLength, ...envelope2 } = decoded.envelope;
  t.equal(encodeMessage({ envelope: envelope2, header: header2, body: decoded.body }).toString('hex'), whole.toString('hex'), 'the whole message re-encodes byte for byte');
});

t.test('one handle value', async (t) => {
  const vector = find('one handle value');
  const encoded = bytes(vector.hex!);
  const reader = new ByteReader(encoded);
  const value = readHandleValue(reader);
  reader.expectEnd('value');
  const fields = vector.fields;
  t.strictSame(
    { ...value, permissions: `0x${value.permissions.toString(16).padStart(2, '0')}`, data: Buffer.from(value.data).toString('utf8') },
    { index: fields.index, timestamp: fields.timestamp, ttlType: fields.ttlType, ttl: fields.ttl, permissions: fields.permissions, type: fields.type, data: fields.data, references: fields.references },
  );
  const writer = new ByteWriter(4);
  writeHandleValue(writer, value);
  t.equal(writer.finish().toString('hex'), encoded.toString('hex'), 're-encodes byte for byte');

  // The node's own value with the same content encodes to the same bytes.
  const own = fromWireHandleValue(value);
  t.strictSame(own, { index: 1, type: 'URL', data: { format: 'string', value: 'https://example.org/' }, ttl: 86400, timestamp: '1970-01-01T00:00:00Z', permissions: '1110', references: [] });
  const back = new ByteWriter(4);
  writeHandleValue(back, toWireHandleValue(own));
  t.equal(back.finish().toString('hex'), encoded.toString('hex'), 'a stored value with permissions 1110 encodes as 0x0e');
});

t.test('HS_ADMIN data', async (t) => {
  const vector = find('HS_ADMIN value data');
  const encoded = bytes(vector.hex!);
  const admin = decodeAdminData(encoded);
  t.strictSame(
    { permissions: `0x${admin.permissions.toString(16).padStart(4, '0')}`, adminHandle: admin.handle, adminIndex: admin.index },
    vector.fields,
  );
  t.equal(adminPermissionString(admin.permissions), '011111110011', 'the mask is HANDLE.NET\'s permission string');
  t.equal(encodeAdminData(admin).toString('hex'), encoded.toString('hex'), 're-encodes byte for byte');
  const value: WireHandleValue = toWireHandleValue({
    index: 100,
    type: 'HS_ADMIN',
    data: { format: 'admin', value: { handle: '0.NA/20.5000', index: 200, permissions: '011111110011' } },
    ttl: 86400,
    timestamp: '2024-01-01T00:00:00Z',
    permissions: '1110',
    references: [],
  });
  t.equal(Buffer.from(value.data).toString('hex'), encoded.toString('hex'), 'stored admin data encodes as the vector');
});
