import { KEY_MAX_CHARS, SEARCHABLE_TYPES } from '../core/search/search-keys.js';

/**
 * The statement that fills the reverse-lookup index from the handles already stored (the migration that
 * creates it), for either SQL dialect: the same entries searchEntriesOf derives (searchable type, string
 * data, key = the first KEY_MAX_CHARS characters; both SQLite's substr and PostgreSQL's substr count code
 * points). `field(path)` reads a dotted path of one value (`data.value`) as text, `values` names the set of a handle's
 * values as `v`, `insert` and `onConflict` make the insert skip an entry already there.
 */
export function buildSearchIndexSql(dialect: { field: (path: string) => string; values: string; insert: string; onConflict: string }): string {
  const { field, values, insert, onConflict } = dialect;
  const types = SEARCHABLE_TYPES.map((type) => `'${type}'`).join(', ');
  return `${insert} INTO search_index (type, key, handle)
      SELECT DISTINCT ${field('type')}, substr(${field('data.value')}, 1, ${KEY_MAX_CHARS}), h.handle
      FROM handles AS h, ${values}
      WHERE ${field('type')} IN (${types}) AND ${field('data.format')} = 'string' ${onConflict};`;
}
