import t, { type Test } from 'tap';
import { IdnodeError } from '../../src/core/errors/catalogue.js';
import {
  ByteReader,
  ByteWriter,
  decodeEnvelope,
  decodeErrorBody,
  decodeMessage,
  decodeResolutionRequest,
  decodeResolutionResponse,
  decodeSiteInfoRequest,
  encodeEnvelope,
  encodeErrorBody,
  encodeMessage,
  encodeResolutionRequest,
  encodeResolutionResponse,
  encodeSiteInfoRequest,
  fromWireHandleValue,
  MAX_MESSAGE_LENGTH,
  OpCode,
  OpFlag,
  ProtocolError,
  requestDigestBytes,
  ResponseCode,
  splitResponseBody,
  toWireHandleValue,
  type Credential,
  type Envelope,
  type MessageParts,
  type WireHandleValue,
} from '../../src/hdl/codec/index.js';

const ENVELOPE: Omit<Envelope, 'messageLength'> = {
  majorVersion: 2,
  minorVersion: 10,
  compressed: false,
  encrypted: false,
  truncated: false,
  suggestedMajorVersion: 2,
  suggestedMinorVersion: 10,
  sessionId: 7,
  requestId: 0xfffffffe,
  sequenceNumber: 0,
};
const HEADER = { opCode: OpCode.RESOLUTION, responseCode: 0, opFlags: OpFlag.PUBLIC_ONLY, siteInfoSerial: -1, recursionCount: 0, expiration: 1_700_000_000 };
const VALUE: WireHandleValue = {
  index: 7,
  timestamp: 1_700_000_000,
  ttlType: 1,
  ttl: -5,
  permissions: 0x0f,
  type: 'EMAIL',
  data: Buffer.from([0xff, 0x00, 0x41]),
  references: [{ handle: '88.999/other', index: 3 }, { handle: '0.NA/88.999', index: 200 }],
};
const CREDENTIAL: Credential = { version: 0, reserved: 0, options: 0x0102, signerHandle: '0.NA/88.999', signerIndex: 300, type: 'HS_SIGNED', signedInfo: Buffer.from('SHA-256 and a signature') };

function rejectsAsProtocolError(t: Test, run: () => unknown, pattern: RegExp, label: string) {
  try {
    run();
    t.fail(`${label}: no error`);
  } catch (error) {
    t.ok(error instanceof ProtocolError, `${label}: a ProtocolError (${String(error)})`);
    t.equal((error as IdnodeError).code, 'PROTOCOL_MESSAGE_MALFORMED', `${label}: catalogue code`);
    t.equal((error as IdnodeError).handleCode, 4, `${label}: response code 4`);
    t.match((error as Error).message, pattern, `${label}: the message names the problem`);
  }
}

t.test('envelope: every field and flag round-trips', async (t) => {
  for (const flags of [
    { compressed: true, encrypted: false, truncated: false },
    { compressed: false, encrypted: true, truncated: true },
  ]) {
    const envelope: Envelope = { ...ENVELOPE, ...flags, messageLength: 1234 };
    const bytes = encodeEnvelope(envelope);
    t.equal(bytes.length, 20);
    t.strictSame(decodeEnvelope(bytes), envelope);
  }
  t.equal(encodeEnvelope({ ...ENVELOPE, truncated: true, messageLength: 0 })[2], 0x22, 'TC is 0x20 beside the suggested major version');
  rejectsAsProtocolError(t, () => decodeEnvelope(Buffer.alloc(19)), /envelope message length: needs 4 bytes at offset 16, 3 left/, '19 bytes');
  rejectsAsProtocolError(t, () => decodeEnvelope(encodeEnvelope({ ...ENVELOPE, messageLength: MAX_MESSAGE_LENGTH + 1 })), /over the limit of 262144/, 'a message over the limit');
  rejectsAsProtocolError(t, () => decodeEnvelope(encodeEnvelope({ ...ENVELOPE, messageLength: 101 }), 100), /101 is over the limit of 100/, 'a caller\'s own limit');
});

t.test('a message with a credential round-trips; its body comes in pieces', async (t) => {
  const parts: MessageParts = { envelope: ENVELOPE, header: HEADER, body: [Buffer.from('ab'), Buffer.from('cd')], credential: CREDENTIAL };
  const bytes = encodeMessage(parts);
  const message = decodeMessage(bytes);
  t.equal(message.body.toString(), 'abcd');
  t.equal(message.header.bodyLength, 4);
  t.equal(message.envelope.messageLength, bytes.length - 20);
  t.strictSame({ ...message.credential, signedInfo: message.credential!.signedInfo.toString() }, { ...CREDENTIAL, signedInfo: 'SHA-256 and a signature' });
  t.strictSame(encodeMessage({ ...parts, body: Buffer.from('abcd') }), bytes, 'one piece or several: the same bytes');
  // A message without the 4-byte credential section at all (old clients) has no credential.
  const bare = encodeMessage({ envelope: ENVELOPE, header: HEADER, body: Buffer.alloc(0) }).subarray(0, 44);
  bare.writeUInt32BE(24, 16);
  t.equal(decodeMessage(bare).credential, undefined);
});

t.test('bodies round-trip', async (t) => {
  const request = { handle: '88.999/ü-1', indexes: [1, 100, 2147483647], types: ['URL', 'HS_ADMIN'] };
  t.strictSame(decodeResolutionRequest(encodeResolutionRequest(request)), request);
  const response = { handle: '88.999/x', values: [VALUE, { ...VALUE, index: 1, references: [], data: Buffer.alloc(0) }] };
  const decoded = decodeResolutionResponse(encodeResolutionResponse(response));
  t.strictSame(
    decoded.values.map((value) => ({ ...value, data: Buffer.from(value.data) })),
    response.values.map((value) => ({ ...value, data: Buffer.from(value.data) })),
  );
  t.equal(decodeSiteInfoRequest(encodeSiteInfoRequest()), '/');
  t.equal(decodeSiteInfoRequest(encodeSiteInfoRequest('')), '');
  t.equal(decodeErrorBody(encodeErrorBody('HANDLE_NOT_FOUND: 88.999/x does not exist')), 'HANDLE_NOT_FOUND: 88.999/x does not exist');
});

t.test('a response body split from its request digest', async (t) => {
  const digest = { hash: 3, digest: Buffer.alloc(32, 7) };
  const header = { ...HEADER, responseCode: 1, opFlags: OpFlag.REQUEST_DIGEST, bodyLength: 0 };
  const split = splitResponseBody(header, Buffer.concat([requestDigestBytes(digest), Buffer.from('rest')]));
  t.strictSame({ hash: split.digest!.hash, digest: Buffer.from(split.digest!.digest), rest: split.rest.toString() }, { hash: 3, digest: digest.digest, rest: 'rest' });
  t.equal(splitResponseBody({ ...header, opFlags: 0 }, Buffer.from('x')).rest.toString(), 'x', 'no flag: no digest');
  t.equal(splitResponseBody({ ...header, responseCode: 0 }, Buffer.from('x')).rest.toString(), 'x', 'a request never has one');
  const old = splitResponseBody(header, Buffer.from('0000000211227a', 'hex'));
  t.strictSame([old.digest!.hash, Buffer.from(old.digest!.digest).toString('hex'), old.rest.toString()], [0, '1122', 'z'], 'the old length-prefixed MD5 form');
  t.equal(splitResponseBody(header, Buffer.concat([Buffer.from([1]), Buffer.alloc(16)])).digest!.digest.length, 16, 'MD5');
  t.equal(splitResponseBody(header, Buffer.concat([Buffer.from([2]), Buffer.alloc(20)])).digest!.digest.length, 20, 'SHA-1');
  rejectsAsProtocolError(t, () => splitResponseBody(header, Buffer.from([9, 0, 0])), /hash code 9 at offset 0/, 'an unknown hash');
  rejectsAsProtocolError(t, () => splitResponseBody(header, Buffer.from([3, 0, 0])), /request digest: needs 32 bytes/, 'a short digest');
});

t.test('every truncation of a valid message is a ProtocolError, never a read out of bounds', async (t) => {
  const body = encodeResolutionResponse({ handle: '88.999/x', values: [VALUE] });
  const bytes = encodeMessage({ envelope: ENVELOPE, header: { ...HEADER, responseCode: 1 }, body, credential: CREDENTIAL });
  let failures = 0;
  for (let length = 0; length < bytes.length; length++) {
    const cut = Buffer.from(bytes.subarray(0, length));
    try {
      // The envelope still announces the full length: fix it so that each cut reaches the decoders behind it.
      if (length >= 20) cut.writeUInt32BE(length - 20, 16);
      decodeResolutionResponse(decodeMessage(cut).body);
      if (length >= 44 + body.length) continue; // the credential section was cut: none, or one that is short
      t.fail(`length ${length} decoded`);
    } catch (error) {
      if (!(error instanceof ProtocolError)) t.fail(`length ${length}: ${String(error)}`);
      failures++;
    }
  }
  t.ok(failures > bytes.length - 60, `${failures} cuts refused`);
});

t.test('corrupt lengths and counts are refused before anything is allocated from them', async (t) => {
  const request = encodeResolutionRequest({ handle: '88.999/x', indexes: [1], types: ['URL'] });
  const hostile = (offset: number, value: number) => {
    const copy = Buffer.from(request);
    copy.writeUInt32BE(value, offset);
    return copy;
  };
  rejectsAsProtocolError(t, () => decodeResolutionRequest(hostile(0, 0xffffffff)), /handle: length 4294967295 at offset 0 is more than the/, 'handle length');
  rejectsAsProtocolError(t, () => decodeResolutionRequest(hostile(12, 0x40000000)), /index list: count 1073741824 at offset 12 cannot fit/, 'index count');
  rejectsAsProtocolError(t, () => decodeResolutionRequest(hostile(20, 0x7fffffff)), /type list: count 2147483647/, 'type count');
  rejectsAsProtocolError(t, () => decodeResolutionRequest(Buffer.concat([request, Buffer.from([0])])), /resolution request body: 1 unexpected bytes/, 'a trailing byte');
  rejectsAsProtocolError(t, () => decodeResolutionResponse(Buffer.from('000000017800ffffff', 'hex')), /value list: count 16777215/, 'value count');

  const badType = new ByteWriter().utf8('88.999/x').u32(0).u32(1).u32(2).u8(0xc3).u8(0x28).finish();
  rejectsAsProtocolError(t, () => decodeResolutionRequest(badType), /type at offset 20 is not valid UTF-8/, 'a type that is not UTF-8');
  const badHandle = new ByteWriter().u32(2).u8(0xc3).u8(0x28).u32(0).u32(0).finish();
  t.throws(() => decodeResolutionRequest(badHandle), { code: 'IDENTIFIER_NOT_UTF8', handleCode: 102 }, 'a handle that is not UTF-8 is an invalid handle');

  const message = encodeMessage({ envelope: ENVELOPE, header: HEADER, body: request });
  const longer = Buffer.from(message);
  longer.writeUInt32BE(message.length, 16);
  rejectsAsProtocolError(t, () => decodeMessage(longer), /does not match the \d+ bytes after the envelope/, 'an envelope announcing more than present');
  const bodyTooLong = Buffer.from(message);
  bodyTooLong.writeUInt32BE(10_000, 40);
  rejectsAsProtocolError(t, () => decodeMessage(bodyTooLong), /header bodyLength 10000 is more than the \d+ bytes after the header/, 'a body length past the end');
  const trailing = Buffer.concat([message, Buffer.from([1, 2])]);
  trailing.writeUInt32BE(message.length - 18, 16);
  rejectsAsProtocolError(t, () => decodeMessage(trailing), /message after the credential section: 2 unexpected bytes/, 'bytes after the credential section');
  const shortCredential = encodeMessage({ envelope: ENVELOPE, header: HEADER, body: request, credential: CREDENTIAL });
  const withTinyCredential = Buffer.concat([shortCredential.subarray(0, 44 + request.length), Buffer.from('0000000300ffff', 'hex')]);
  withTinyCredential.writeUInt32BE(withTinyCredential.length - 20, 16);
  rejectsAsProtocolError(t, () => decodeMessage(withTinyCredential), /credential: needs 20 bytes/, 'a credential shorter than its fixed fields');
  const credentialWithExtra = new ByteWriter().u8(0).u8(0).u16(0).utf8('').u32(0).utf8('').u32(0).u8(9).finish();
  const withExtra = Buffer.concat([message.subarray(0, 44 + request.length), new ByteWriter().lengthPrefixed(credentialWithExtra).finish()]);
  withExtra.writeUInt32BE(withExtra.length - 20, 16);
  rejectsAsProtocolError(t, () => decodeMessage(withExtra), /credential: 1 unexpected bytes/, 'a byte after the credential');
});

t.test('the reader\'s own bounds', async (t) => {
  const reader = new ByteReader(Buffer.from([1, 2, 3, 4, 5]), 1, 4);
  t.equal(reader.u16('two'), 0x0203);
  t.equal(reader.remaining, 1);
  rejectsAsProtocolError(t, () => reader.u32('four'), /four: needs 4 bytes at offset 3, 1 left/, 'past the end it was given');
});

t.test('stored values to the wire and back', async (t) => {
  const stored = {
    index: 2,
    type: 'BLOB',
    ttl: 60,
    timestamp: '2024-06-01T12:00:00Z',
    permissions: '1101',
    references: [{ handle: '88.999/r', index: 1 }],
  };
  const base64 = toWireHandleValue({ ...stored, data: { format: 'base64', value: '/wBB' } });
  t.strictSame(Buffer.from(base64.data), Buffer.from([0xff, 0x00, 0x41]));
  t.equal(base64.permissions, 0x0d);
  t.equal(base64.timestamp, Date.UTC(2024, 5, 1, 12) / 1000);
  t.strictSame(fromWireHandleValue(base64), { ...stored, data: { format: 'base64', value: '/wBB' } }, 'bytes that are not UTF-8 come back as base64');
  const hex = toWireHandleValue({ ...stored, data: { format: 'hex', value: '414243' } });
  t.strictSame(fromWireHandleValue(hex).data, { format: 'string', value: 'ABC' }, 'hex that spells UTF-8 comes back as a string');
  t.strictSame(fromWireHandleValue({ ...hex, type: 'HS_ADMIN' }).data, { format: 'string', value: 'ABC' }, 'HS_ADMIN data that is no record is shown as its bytes');
});

t.test('the constants are the protocol\'s', async (t) => {
  t.equal(ResponseCode.VALUES_NOT_FOUND, 200);
  t.equal(OpCode.GET_SITE_INFO, 2);
});
