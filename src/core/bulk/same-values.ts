import type { HandleValue } from '../values/handle-value.js';

/**
 * True when two value lists, both sorted by index, say the same thing: every field equal except the
 * timestamp, which the server sets at each write. This is what makes a re-sent create an identical retry
 * rather than a conflict.
 */
export function sameValuesIgnoringTimestamps(a: readonly HandleValue[], b: readonly HandleValue[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i]!, b[i]!)) return false;
  return true;
}

function sameValue(a: HandleValue, b: HandleValue): boolean {
  if (a.index !== b.index || a.type !== b.type || a.ttl !== b.ttl || a.permissions !== b.permissions) return false;
  const x = a.data;
  const y = b.data;
  if (x.format !== y.format) return false;
  if (x.format === 'admin' || y.format === 'admin') {
    if (x.format !== 'admin' || y.format !== 'admin') return false;
    if (x.value.handle !== y.value.handle || x.value.index !== y.value.index || x.value.permissions !== y.value.permissions) return false;
  } else if (x.value !== y.value) {
    return false;
  }
  if (a.references.length !== b.references.length) return false;
  for (let k = 0; k < a.references.length; k++) {
    const r = a.references[k]!;
    const s = b.references[k]!;
    if (r.handle !== s.handle || r.index !== s.index) return false;
  }
  return true;
}
