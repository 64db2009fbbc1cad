import { IdnodeError } from '../core/errors/catalogue.js';

/** One step of a store's schema. */
export interface Migration {
  /** 1, 2, 3, ... in order; a version once released is never edited, only followed by a new one. */
  readonly version: number;
  /** For PostgreSQL, runs with search_path set to the store's schema: name tables unqualified. */
  readonly sql: string;
}

/** Throws IdnodeError INTERNAL_ERROR (a programming error) unless the versions are 1, 2, 3, ... in order. */
export function checkMigrationOrder(migrations: readonly Migration[], backend: string): void {
  migrations.forEach((migration, position) => {
    if (migration.version !== position + 1) {
      throw new IdnodeError('INTERNAL_ERROR', `${backend} migration at position ${position} has version ${migration.version}; versions must be 1, 2, 3, ... in order`);
    }
  });
}
