import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import type { Random } from '../clock/clock.js';
import { IdnodeError } from '../errors/catalogue.js';
import type { MetaStore } from '../store/store.js';

/** The meta key holding the node's Ed25519 private key (PKCS#8 PEM). */
const SIGNING_KEY_META = 'node.signing-key';
/** DER of a PKCS#8 Ed25519 private key up to its 32-byte seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The node's Ed25519 signing key, created at the first start of a store and kept in its meta table (replicas
 * sharing a store share it, so every entry of the ledger has one signer). The private key never leaves this
 * object except to the store; the public key is published (`idnode key export`, GET /api/v1/node-key).
 */
export class NodeKey {
  private constructor(
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  /**
   * Loads the store's key, creating it (from 32 bytes of `random`) when the store has none. Safe when two
   * processes start at once: the key the store kept wins. Throws IdnodeError INTERNAL_ERROR if the stored key
   * is not an Ed25519 private key.
   */
  static async load(store: MetaStore, random: Random): Promise<NodeKey> {
    const candidate = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, random.bytes(32)]), format: 'der', type: 'pkcs8' });
    const pem = await store.initMeta(SIGNING_KEY_META, candidate.export({ format: 'pem', type: 'pkcs8' }).toString());
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch (error) {
      throw new IdnodeError('INTERNAL_ERROR', `the node signing key stored under "${SIGNING_KEY_META}" cannot be read`, { cause: error });
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') {
      throw new IdnodeError('INTERNAL_ERROR', `the node signing key stored under "${SIGNING_KEY_META}" is ${privateKey.asymmetricKeyType}, not ed25519`);
    }
    return new NodeKey(privateKey, createPublicKey(privateKey));
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
