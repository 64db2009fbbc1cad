/**
 * Array parameters of the batch statements (`$n::text[]`), sent in PostgreSQL's binary array format.
 *
 * Given a JS array, node-postgres writes a text literal: each element goes through two regex replacements
 * (quotes and backslashes) and is appended to a growing string, which is then measured and copied into the
 * protocol buffer. For a bulk chunk that is 2,000 values_json and public_json texts of about 500 characters,
 * most of them quotes to escape. Profiled on an import into PostgreSQL, that was most of the main thread's
 * work: the escaping, the collection of its garbage (a quarter of all samples) and the copying.
 *
 * node-postgres sends a Buffer parameter as binary, which the server reads with the parameter's type (the
 * statements cast each one to text[]). So each element's UTF-8 is written once, as it is, behind its length:
 * nothing to escape, no intermediate string. The format (PostgreSQL's array_recv): the number of dimensions
 * (1), whether any element is NULL, the element type's OID (text), the dimension's length and lower bound (1),
 * then per element its length in bytes (-1 for NULL) and its bytes.
 */

/** pg_type.oid of text. */
const TEXT_OID = 25;
/** Dimensions, null flag, element type, length, lower bound. */
const HEADER_BYTES = 20;

/** A text[] parameter: `values` in order, null as SQL NULL. Text is UTF-8 (a lone surrogate becomes U+FFFD, as in any parameter). */
export function textArray(values: readonly (string | null)[]): Buffer {
  const lengths = new Int32Array(values.length);
  let size = HEADER_BYTES;
  let hasNull = 0;
  for (let k = 0; k < values.length; k++) {
    const value = values[k]!;
    if (value === null) {
      hasNull = 1;
      lengths[k] = -1;
      size += 4;
    } else {
      const bytes = Buffer.byteLength(value, 'utf8');
      lengths[k] = bytes;
      size += 4 + bytes;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.writeInt32BE(1, 0);
  at = out.writeInt32BE(hasNull, at);
  at = out.writeInt32BE(TEXT_OID, at);
  at = out.writeInt32BE(values.length, at);
  at = out.writeInt32BE(1, at);
  for (let k = 0; k < values.length; k++) {
    const length = lengths[k]!;
    at = out.writeInt32BE(length, at);
    if (length > 0) at += out.write(values[k]!, at, length, 'utf8');
  }
  return out;
}
