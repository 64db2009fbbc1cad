import t from 'tap';
import { textArray } from '../../src/store/postgres/postgres-arrays.js';
import { TEST_DATABASE_URL, withDatabase } from '../helpers/test-database.js';

// The binary text[] parameter, read back by the real server: what the batch statements' casts read.
t.test(`textArray: PostgreSQL at ${TEST_DATABASE_URL} reads back exactly the strings given, NULLs included`, async (t) => {
  const tricky: (string | null)[] = [
    '',
    'plain',
    'NULL',
    null,
    '"quoted" and \\backslashed\\',
    '{"index":1,"type":"URL","data":{"format":"string","value":"https://example.com/a,b"}}',
    'comma, brace } { and space ',
    'tab\there, newline\nthere, bell\u0007',
    '标识解析 二级节点',
    'emoji \u{1F600} pair',
  ];
  await withDatabase(async (client) => {
    const read = async (values: (string | null)[]) => (await client.query<{ a: (string | null)[] }>('SELECT $1::text[] AS a', [textArray(values)])).rows[0]!.a;
    t.same(await read(tricky), tricky, 'every string as it was, in order');
    t.same(await read([]), [], 'an empty array');
    t.same(await read([null, null]), [null, null], 'only NULLs');
    const long = 'x'.repeat(70_000);
    t.ok((await read([long, 'y']))[0] === long, 'a text longer than any buffer chunk');
    const unnested = await client.query<{ v: string | null }>('SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS u (v, n) ORDER BY n', [textArray(tricky)]);
    t.same(unnested.rows.map((row) => row.v), tricky, 'unnest (what the batch statements use) gives the same rows');
    t.same((await client.query<{ hit: boolean }>('SELECT $1 = ANY($2::text[]) AS hit', ['NULL', textArray(['a', 'NULL'])])).rows[0]!.hit, true, 'the string "NULL" is a string, not NULL');
  });
  t.equal(textArray(['\ud800']).subarray(24).toString('utf8'), '\ufffd', 'a lone surrogate becomes U+FFFD, as in any text parameter');
});
