/**
 * The canonical JSON text of a value: what the ledger hashes and signs, and what an auditor's own tool must
 * reproduce. Rules: object keys sorted by UTF-16 code units (JavaScript's default sort), no whitespace, strings
 * and numbers as JSON.stringify writes them; arrays keep their order. Only JSON values (objects, arrays,
 * strings, finite numbers, booleans, null) are allowed.
 * Throws TypeError for anything else (undefined, a function, NaN or an infinity), so nothing is silently dropped.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no form for the number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(object[key])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON has no form for a ${typeof value}`);
}
