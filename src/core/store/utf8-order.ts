/**
 * Compares two strings by the bytes of their UTF-8 encodings, as SQLite's BINARY collation and PostgreSQL's
 * COLLATE "C" do, without encoding them. UTF-16 code-unit order agrees with it except that surrogates
 * (0xD800-0xDFFF, the code points from U+10000 up) must sort after U+E000-U+FFFF: the first differing code
 * units are shifted so that they do.
 */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let k = 0; k < length; k++) {
    const x = a.charCodeAt(k);
    const y = b.charCodeAt(k);
    if (x !== y) return (x < 0xd800 || y < 0xd800) ? x - y : byteRank(x) - byteRank(y);
  }
  return a.length - b.length;
}

/** A code unit from 0xD800 up, renumbered so that surrogates come after U+E000-U+FFFF. */
function byteRank(unit: number): number {
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
