import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Random } from '../clock/clock.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { MetaStore } from '../store/store.js';
import type { KeyVault } from './key-vault.js';

/**
 * The meta key that held the node's Ed25519 private key (PKCS#8 PEM) before it moved to its own file: read
 * once to move it, then deleted.
 */
export const LEGACY_SIGNING_KEY_META = 'node.signing-key';
/** The meta key holding the public key (SPKI PEM) of the key that signs this store's ledger. */
export const PUBLIC_KEY_META = 'node.public-key';
/** DER of a PKCS#8 Ed25519 private key up to its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The node's Ed25519 signing key. The private key lives outside the store, in a KeyVault (a file of mode 0600
 * in production), so whoever can write the database cannot sign a rewritten ledger; the store records only
 * the public key (replicas sharing a store must share the key file, and a process given another key refuses
 * to start). The private key never leaves this object except to the vault; the public key is published
 * (`idnode key export`, GET /api/v1/node-key).
 */
export class NodeKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  /**
   * Loads the vault's key. On the first start of a store it is created (from 32 bytes of `random`); a store
   * of an earlier version, which kept the key in its meta table, has it moved into the vault and deleted from
   * the store. Safe when two processes start at once (the vault and the store keep one key each).
   * Throws IdnodeError INTERNAL_ERROR when the key held is not an Ed25519 private key, CONFIG_INVALID when it is
   * not the key this store's ledger is signed with (or the store still holds another one), and what the vault
   * and the store throw.
   */
  static async load(store: MetaStore, vault: KeyVault, random: Random): Promise<NodeKey> {
    const legacy = await store.getMeta(LEGACY_SIGNING_KEY_META);
    let pem = await vault.read();
    if (pem === undefined) {
      const candidate = legacy ?? createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, random.bytes(32)]), format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
      pem = await vault.create(candidate);
    }
    const privateKey = readPrivateKey(pem, vault.location);
    const publicKey = createPublicKey(privateKey);
    if (legacy !== undefined) {
      if (keyIdOf(createPublicKey(readPrivateKey(legacy, 'the store'))) !== keyIdOf(publicKey)) {
        throw new IdnodeError(
          'CONFIG_INVALID',
          `invalid configuration: the store still holds a signing key (from an earlier version) other than the one in ${vault.location}; remove ${vault.location} to move the store's key there, or give the key the ledger was signed with`,
        );
      }
      await store.deleteMeta(LEGACY_SIGNING_KEY_META);
    }
    const registered = await store.initMeta(PUBLIC_KEY_META, publicKeyPem(publicKey));
    if (registered !== publicKeyPem(publicKey)) {
      const expected = keyIdOf(createPublicKey(registered));
      throw new IdnodeError(
        'CONFIG_INVALID',
        `invalid configuration: this store's ledger is signed by key ${expected.slice(0, 16)}…, but ${vault.location} holds key ${keyIdOf(publicKey).slice(0, 16)}…; give this process the node's key file (every replica of one store shares it)`,
      );
    }
    return new NodeKey(privateKey, publicKey);
  }

  /** SubjectPublicKeyInfo PEM: what `idnode key export` prints and `ledger verify --public-key` reads. */
  get publicKeyPem(): string {
    return publicKeyPem(this.publicKey);
  }

  get keyId(): string {
    return keyIdOf(this.publicKey);
  }

  /** Ed25519 signature of `data`, base64. */
  sign(data: Buffer): string {
    return sign(null, data, this.privateKey).toString('base64');
  }
}

/** Throws INTERNAL_ERROR naming `where` when `pem` is not an Ed25519 private key. */
function readPrivateKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new IdnodeError('INTERNAL_ERROR', `the node signing key in ${where} cannot be read`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new IdnodeError('INTERNAL_ERROR', `the node signing key in ${where} is ${key.asymmetricKeyType}, not ed25519`);
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'spki' }).toString();
}

/** The key's id: SHA-256 of its SubjectPublicKeyInfo DER, hex (what a ledger entry names as its signer). */
export function keyIdOf(key: KeyObject): string {
  return createHash('sha256').update(key.export({ format: 'der', type: 'spki' })).digest('hex');
}

/**
 * Reads an Ed25519 public key from PEM text (SPKI). Throws IdnodeError REQUEST_INVALID naming `source` when
 * the text is not one.
 */
export function parsePublicKey(pem: string, source: string): KeyObject {
  // createPublicKey would derive the public key from a private one; an auditor should never hold that file.
  if (pem.includes('PRIVATE KEY')) throw new IdnodeError('REQUEST_INVALID', `${source} holds a private key; give the node's public key (\`idnode key export\`)`);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new IdnodeError('REQUEST_INVALID', `${source} does not hold a PEM public key ("-----BEGIN PUBLIC KEY-----", as \`idnode key export\` prints it)`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new IdnodeError('REQUEST_INVALID', `${source} holds a ${key.asymmetricKeyType} key; the node key is ed25519`);
  return key;
}

/** True when `signature` (base64) is `key`'s Ed25519 signature of `data`. Never throws. */
export function verifySignature(key: KeyObject, data: Buffer, signature: string): boolean {
  try {
    return verify(null, data, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
