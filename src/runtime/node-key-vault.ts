import { join } from 'node:path';
import { memoryKeyVault, type KeyVault } from '../core/ledger/key-vault.js';
import { fileKeyVault } from './key-file.js';

/** The signing key's file name inside the data directory, when signing-key-file is not set. */
export const SIGNING_KEY_FILE_NAME = 'node-key.pem';

/**
 * Where a configured node keeps its signing key: signing-key-file, else <data-dir>/node-key.pem; in the
 * process for the memory store (whose ledger is gone with it, so a key outliving it would sign nothing).
 */
export function configuredKeyVault(config: { readonly store: string; readonly dataDir: string; readonly signingKeyFile?: string }): KeyVault {
  if (config.store === 'memory') return memoryKeyVault();
  return fileKeyVault(config.signingKeyFile ?? join(config.dataDir, SIGNING_KEY_FILE_NAME));
}
