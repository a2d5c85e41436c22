/**
 * Signed checkpoints: now and then the log signs each tenant's chain head with Ed25519, so that a
 * rewrite of the chain, or a truncation of its tail, no longer matches a signature only the key holder
 * could have made. Public keys are kept in `audit_signing_keys`, so checkpoints signed with an old key
 * still verify after a key change.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StewardError } from '../../errors/index.js';
import { restrictToOwner, type StewardStore } from '../../store/index.js';
import { canonicalJson } from './canonical-json.js';
import type { AuditCheckpointsTable } from './schema.js';

export const checkpointReasons = ['interval', 'archive', 'manual', 'close'] as const;
export type CheckpointReason = (typeof checkpointReasons)[number];

/** A signed statement: "tenant T's chain had `recordCount` records up to `seq`, ending in `headHash`". */
export interface AuditCheckpoint {
  tenantId: string;
  seq: number;
  headHash: string;
  recordCount: number;
  at: number;
  signerKeyId: string;
  /** Ed25519 over {@link checkpointMessage}, base64. */
  signature: string;
  reason: CheckpointReason;
}

/** Signs checkpoints. `keyId` is the fingerprint of the public key. */
export interface CheckpointSigner {
  readonly keyId: string;
  /** SPKI PEM, stored in `audit_signing_keys` so verification needs no secret. */
  readonly publicKeyPem: string;
  /** Ed25519 signature of the UTF-8 message, base64. */
  sign(message: string): string;
}

/** The exact text a checkpoint's signature covers. */
export function checkpointMessage(checkpoint: {
  tenantId: string;
  seq: number;
  headHash: string;
  recordCount: number;
  at: number;
}): string {
  const { tenantId, seq, headHash, recordCount, at } = checkpoint;
  return canonicalJson({ tenantId, seq, headHash, recordCount, at });
}

/** `ed25519-` and the first 16 bytes of sha256 over the public key's DER (SPKI), hex. */
export function signingKeyId(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `ed25519-${createHash('sha256').update(der).digest('hex').slice(0, 32)}`;
}

// PKCS#8 DER of an Ed25519 private key is this fixed prefix followed by the 32-byte seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * A signer from a PKCS#8 PEM, or a 32-byte seed as 64 hex characters or base64.
 *
 * @example
 * const signer = createCheckpointSigner(process.env.STEWARD_AUDIT_SIGNING_KEY!);
 */
export function createCheckpointSigner(
  key: string | KeyObject,
  origin = 'audit signing key',
): CheckpointSigner {
  if (typeof key !== 'string') return signerOf(key, origin);
  const cached = signersByKeyText.get(key);
  if (cached) return cached;
  const signer = signerOf(key, origin);
  if (signersByKeyText.size >= SIGNER_CACHE_LIMIT) signersByKeyText.clear();
  signersByKeyText.set(key, signer);
  return signer;
}

/**
 * Signers already parsed, by key text: every agent of a fleet builds an audit log over the same key,
 * and parsing it (plus deriving and exporting its public key) per agent was a large share of a build.
 * A signer holds no state, so sharing it changes nothing; only valid keys are kept, a few at most.
 */
const signersByKeyText = new Map<string, CheckpointSigner>();
const SIGNER_CACHE_LIMIT = 16;

function signerOf(key: string | KeyObject, origin: string): CheckpointSigner {
  const privateKey = typeof key === 'string' ? parsePrivateKey(key, origin) : key;
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new StewardError('invalid-config', `${origin} must be an Ed25519 private key`);
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: signingKeyId(publicKey),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64'),
  };
}

/** A signer with a new random key (lost when the process ends unless exported by the caller). */
export function generateCheckpointSigner(): CheckpointSigner {
  return createCheckpointSigner(generateKeyPairSync('ed25519').privateKey);
}

function parsePrivateKey(text: string, origin: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('-----BEGIN')) return createPrivateKey(trimmed);
    const seed = /^[0-9a-fA-F]{64}$/.test(trimmed)
      ? Buffer.from(trimmed, 'hex')
      : Buffer.from(trimmed, 'base64');
    if (seed.length !== 32) throw new Error(`a seed must be 32 bytes, got ${seed.length}`);
    return createPrivateKey({
      key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
  } catch (error) {
    throw new StewardError(
      'invalid-config',
      `${origin} must be an Ed25519 private key as a PKCS#8 PEM, or a 32-byte seed as 64 hex characters or base64 ` +
        `(e.g. \`openssl genpkey -algorithm ed25519\` or \`openssl rand -hex 32\`): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}

export interface LoadCheckpointSignerOptions {
  /** PKCS#8 PEM or 32-byte seed; default `STEWARD_AUDIT_SIGNING_KEY`. */
  signingKey?: string;
}

/**
 * The signer for a store: the configured key (option, then `STEWARD_AUDIT_SIGNING_KEY`); else, for a
 * SQLite file, `audit-signing.key` beside the database (created with mode 0600 on first use); else a
 * key generated once for this process and store, with a warning (PostgreSQL: every instance registers its own public
 * key, so verification still works, but configure one key to keep checkpoints verifiable by key id).
 *
 * @example
 * const { signer, warnings } = loadCheckpointSigner(store);
 */
export function loadCheckpointSigner(
  store: Pick<StewardStore, 'engine' | 'location'>,
  options: LoadCheckpointSignerOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): { signer: CheckpointSigner; warnings: string[] } {
  const configured = options.signingKey ?? env.STEWARD_AUDIT_SIGNING_KEY;
  if (configured) {
    return {
      signer: createCheckpointSigner(configured, 'audit signingKey / STEWARD_AUDIT_SIGNING_KEY'),
      warnings: [],
    };
  }
  if (store.engine === 'sqlite' && store.location !== ':memory:') {
    const keyPath = join(dirname(store.location), 'audit-signing.key');
    if (!existsSync(keyPath)) createKeyFile(keyPath);
    const warning = restrictToOwner(keyPath);
    return {
      signer: createCheckpointSigner(readFileSync(keyPath, 'utf8'), keyPath),
      warnings: warning ? [warning] : [],
    };
  }
  const warnings =
    store.engine === 'postgres'
      ? [
          'audit checkpoints are signed with a key generated for this process: set STEWARD_AUDIT_SIGNING_KEY ' +
            '(the same Ed25519 key on every instance, e.g. `openssl genpkey -algorithm ed25519`) and keep a copy of ' +
            'its public key outside the database',
        ]
      : [];
  // One generated key per store for the life of the process: the shared AuditLog is rebuilt whenever its
  // last user closes (an LRU of agents churning), and each new key would be one more row in
  // audit_signing_keys and one more key id to trust.
  const cacheKey = `${store.engine}:${store.location}`;
  let signer = generatedSigners.get(cacheKey);
  if (!signer) {
    signer = generateCheckpointSigner();
    generatedSigners.set(cacheKey, signer);
  }
  return { signer, warnings };
}

/** Keys generated for this process, by store (engine and location). */
const generatedSigners = new Map<string, CheckpointSigner>();

/** Writes a new PEM key atomically: two processes racing both end up reading the one that won. */
function createKeyFile(keyPath: string): void {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const temporary = `${keyPath}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temporary, pem, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
}

/** True when the checkpoint's signature verifies under `publicKeyPem`; false on any malformed input. */
export function verifyCheckpointSignature(
  checkpoint: AuditCheckpoint,
  publicKey: string | KeyObject,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    return verify(
      null,
      Buffer.from(checkpointMessage(checkpoint), 'utf8'),
      key,
      Buffer.from(checkpoint.signature, 'base64'),
    );
  } catch {
    return false;
  }
}

export function fromCheckpointRow(row: AuditCheckpointsTable): AuditCheckpoint {
  return {
    tenantId: row.tenant_id,
    seq: row.seq,
    headHash: row.head_hash,
    recordCount: row.record_count,
    at: row.at,
    signerKeyId: row.signer_key_id,
    signature: row.signature,
    reason: row.reason as CheckpointReason,
  };
}

export function toCheckpointRow(checkpoint: AuditCheckpoint): AuditCheckpointsTable {
  return {
    tenant_id: checkpoint.tenantId,
    seq: checkpoint.seq,
    head_hash: checkpoint.headHash,
    record_count: checkpoint.recordCount,
    at: checkpoint.at,
    signer_key_id: checkpoint.signerKeyId,
    signature: checkpoint.signature,
    reason: checkpoint.reason,
  };
}
