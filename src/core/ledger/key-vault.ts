/**
 * Where the node's Ed25519 signing key lives: outside the store (docs/auditing.md, "The node key"), so that
 * whoever can write the database cannot re-sign a rewritten ledger. The core only reads and creates it
 * through this interface; src/runtime/key-file.ts keeps it in a file of mode 0600, memoryKeyVault in the
 * process (the memory store, tests).
 */
export interface KeyVault {
  /** Where the key is, for messages (a path, or "memory"). */
  readonly location: string;
  /** The key (PKCS#8 PEM), `undefined` when there is none yet. Throws IdnodeError when it cannot be read. */
  read(): Promise<string | undefined>;
  /**
   * Stores `pem` unless a key is there already, and returns the key now held (the existing one when another
   * process created it first). Throws IdnodeError when it cannot be written.
   */
  create(pem: string): Promise<string>;
}

/** A key held by this process only: gone when it exits (for the memory store and tests). */
export function memoryKeyVault(): KeyVault {
  let held: string | undefined;
  return {
    location: 'memory',
    async read() {
      return held;
    },
    async create(pem: string) {
      held ??= pem;
      return held;
    },
  };
}
