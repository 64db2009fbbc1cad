/** Test data for the bulk paths, generated at run time. */

export function serial(i: number): string {
  return `SN-${String(i).padStart(6, '0')}`;
}

/** The REST wire values of identifier number i (two values, deterministic). */
export function valuesOf(i: number): { index: number; type: string; data: string }[] {
  return [
    { index: 1, type: 'URL', data: `https://example.org/p/${i}` },
    { index: 2, type: 'product.model', data: `X-${i % 97}` },
  ];
}

export function itemOf(prefix: string, i: number): { handle: string; values: { index: number; type: string; data: string }[] } {
  return { handle: `${prefix}/${serial(i)}`, values: valuesOf(i) };
}

/** Items from..to-1. */
export function itemsOf(prefix: string, from: number, to: number): ReturnType<typeof itemOf>[] {
  const items = [];
  for (let i = from; i < to; i++) items.push(itemOf(prefix, i));
  return items;
}

/** An NDJSON line (without its newline). */
export function lineOf(prefix: string, i: number): string {
  return JSON.stringify(itemOf(prefix, i));
}

/** Values as gRPC Value messages. */
export function valueMessagesOf(i: number): { index: number; type: string; data: { format: string; value: string } }[] {
  return valuesOf(i).map((value) => ({ index: value.index, type: value.type, data: { format: 'string', value: value.data } }));
}
