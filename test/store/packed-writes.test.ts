import { deserialize, serialize } from 'node:v8';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import t from 'tap';
import { packedHandles, unpackWrites, WritesPacker, type PackedWrites } from '../../src/store/sqlite/packed-writes.js';
import { textOf, type EncodedWrites, type SqlText } from '../../src/store/sqlite/sqlite-writes.js';

// The strings of two writes, one of them a replace, with non-ASCII text (2-, 3- and 4-byte UTF-8), an empty
// string, and text long enough to grow the buffer past its first size.
const long = 'é'.repeat(5000) + '😀';
const writes = [
  { handle: '88.999/Ä-1', prefix: '88.999', valuesJson: '[{"index":1,"data":"€"}]', publicJson: '{"handle":"88.999/Ä-1"}', replace: false, entries: [['URL', 'https://例え.jp/😀']] },
  { handle: '88.999/B', prefix: '88.999', valuesJson: long, publicJson: '', replace: true, entries: [] },
  { handle: '88.999/C', prefix: '88.999', valuesJson: '[]', publicJson: '{}', replace: false, entries: [['EMAIL', 'a@b'], ['DESC', 'x']] },
];

function pack(): PackedWrites {
  const packer = new WritesPacker(writes.length);
  for (const write of writes) {
    packer.write(write.handle, write.prefix, write.valuesJson, write.publicJson, write.replace);
    for (const [type, key] of write.entries) packer.entry(type!, key!);
  }
  return packer.finish();
}

t.test('packed writes unpack to the EncodedWrites they were made from, after a transfer to another port', async (t) => {
  const packed = pack();
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(packed, [packed.bytes.buffer as ArrayBuffer]);
  t.equal(packed.bytes.byteLength, 0, 'the buffer moved (transferred, not copied)');
  const received = receiveMessageOnPort(port2)!.message as PackedWrites;
  port1.close();
  const unpacked = unpackWrites(received);
  // The JSON and the entries stay UTF-8 bytes (views of the received buffer, stored as they are): read as text.
  for (const texts of [unpacked.valuesJson, unpacked.publicJson, unpacked.entryTypes, unpacked.entryKeys]) {
    for (const text of texts) t.ok(text instanceof Uint8Array && text.buffer === received.bytes.buffer, 'a view of the transferred buffer, not a copy');
  }
  t.same(asText(unpacked), {
    handles: writes.map((write) => write.handle),
    prefixes: writes.map((write) => write.prefix),
    valuesJson: writes.map((write) => write.valuesJson),
    publicJson: writes.map((write) => write.publicJson),
    entryOwners: [0, 2, 2],
    entryTypes: ['URL', 'EMAIL', 'DESC'],
    entryKeys: ['https://例え.jp/😀', 'a@b', 'x'],
    replaces: [1],
  });
});

t.test('no writes pack to nothing', async (t) => {
  t.same(asText(unpackWrites(new WritesPacker(0).finish())), { handles: [], prefixes: [], valuesJson: [], publicJson: [], entryOwners: [], entryTypes: [], entryKeys: [], replaces: [] });
});

function asText(writes: EncodedWrites) {
  const text = (texts: readonly SqlText[]) => texts.map(textOf);
  return { ...writes, valuesJson: text(writes.valuesJson), publicJson: text(writes.publicJson), entryTypes: text(writes.entryTypes), entryKeys: text(writes.entryKeys) };
}

t.test('packedHandles decodes the handles alone, also from views into a larger buffer (as the IPC channel delivers them)', async (t) => {
  const handles = writes.map((write) => write.handle);
  t.same(packedHandles(pack()), handles);
  const delivered = deserialize(serialize({ before: 'x'.repeat(100), packed: pack() })) as { packed: PackedWrites };
  t.not(delivered.packed.bytes.byteOffset, 0, 'a view into the message');
  t.same(packedHandles(delivered.packed), handles);
});
