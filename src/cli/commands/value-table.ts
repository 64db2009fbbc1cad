import { DEFAULT_PERMISSIONS } from '../../core/values/handle-value.js';
import type { WireData, WireValue } from '../../core/values/wire-value.js';

const COLUMNS = ['index', 'type', 'data', 'ttl', 'permissions', 'timestamp'] as const;

/**
 * Handle values as a text table, one value a line, columns aligned (index, type, data, ttl, permissions,
 * timestamp), for a person to read; scripts use --json. Control characters in a type or data are escaped,
 * so a value can never break the table's lines.
 */
export function valueTable(values: readonly WireValue[]): string {
  const rows = values.map((value) => [String(value.index), printable(value.type), dataText(value.data), String(value.ttl), value.permissions ?? DEFAULT_PERMISSIONS, value.timestamp]);
  const widths = COLUMNS.map((name, column) => Math.max(name.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ') + '\n';
  return line(COLUMNS) + rows.map(line).join('');
}

/** The data of a value in one cell: text as it is, binary with its format, HS_ADMIN spelt out. */
export function dataText(data: WireData): string {
  switch (data.format) {
    case 'string':
      return printable(data.value);
    case 'admin':
      return `admin ${printable(data.value.handle)} index ${data.value.index} permissions ${data.value.permissions}`;
    default:
      return `${data.format}:${data.value}`;
  }
}

function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
