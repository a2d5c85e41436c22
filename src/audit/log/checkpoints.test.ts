import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StewardError } from '../../errors/index.js';
import {
  type AuditCheckpoint,
  checkpointMessage,
  createCheckpointSigner,
  generateCheckpointSigner,
  loadCheckpointSigner,
  verifyCheckpointSignature,
} from './checkpoints.js';

function signed(signer = generateCheckpointSigner()): AuditCheckpoint {
  const fields = {
    tenantId: 'acme',
    seq: 42,
    headHash: 'a'.repeat(64),
    recordCount: 42,
    at: 1_700_000_000_000,
  };
  return {
    ...fields,
    signerKeyId: signer.keyId,
    signature: signer.sign(checkpointMessage(fields)),
    reason: 'interval',
  };
}

describe('checkpoint signing', () => {
  it('signs the canonical JSON of tenant, seq, head hash, count and time', () => {
    expect(checkpointMessage({ tenantId: 't', seq: 1, headHash: 'h', recordCount: 1, at: 5 })).toBe(
      '{"at":5,"headHash":"h","recordCount":1,"seq":1,"tenantId":"t"}',
    );
    const signer = generateCheckpointSigner();
    const checkpoint = signed(signer);
    expect(verifyCheckpointSignature(checkpoint, signer.publicKeyPem)).toBe(true);
    for (const altered of [
      { ...checkpoint, seq: 43 },
      { ...checkpoint, headHash: 'b'.repeat(64) },
      { ...checkpoint, recordCount: 41 },
      { ...checkpoint, at: checkpoint.at + 1 },
      { ...checkpoint, tenantId: 'other' },
      { ...checkpoint, signature: 'not base64 at all' },
    ]) {
      expect(verifyCheckpointSignature(altered, signer.publicKeyPem)).toBe(false);
    }
    expect(verifyCheckpointSignature(checkpoint, generateCheckpointSigner().publicKeyPem)).toBe(false);
    expect(verifyCheckpointSignature(checkpoint, 'not a key')).toBe(false);
  });

  it('reads a key as a PKCS#8 PEM or a 32-byte seed (hex or base64), with a stable key id', () => {
    const seed = Buffer.alloc(32, 7);
    const fromHex = createCheckpointSigner(seed.toString('hex'));
    const fromBase64 = createCheckpointSigner(seed.toString('base64'));
    expect(fromHex.keyId).toBe(fromBase64.keyId);
    expect(fromHex.keyId).toMatch(/^ed25519-[0-9a-f]{32}$/);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fromPem = createCheckpointSigner(pem);
    expect(verifyCheckpointSignature(signed(fromPem), fromPem.publicKeyPem)).toBe(true);
  });

  it('parses a key text once: the same text gives the same signer, a bad one still throws every time', () => {
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const first = createCheckpointSigner(pem);
    const second = createCheckpointSigner(pem);
    expect(second).toBe(first);
    expect(second.sign('message')).toBe(first.sign('message'));
    expect(() => createCheckpointSigner('not a key')).toThrow(StewardError);
    expect(() => createCheckpointSigner('not a key')).toThrow(StewardError);
  });

  it('explains what a valid key looks like when given something else', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    for (const bad of [
      'too short',
      rsa.toString(),
      '-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----',
    ]) {
      let caught: unknown;
      try {
        createCheckpointSigner(bad);
      } catch (error) {
        caught = error;
      }
      expect(StewardError.isInstance(caught) && caught.code === 'invalid-config').toBe(true);
      expect((caught as Error).message).toMatch(/Ed25519/);
    }
  });
});

describe('loadCheckpointSigner', () => {
  it('uses the configured key, then STEWARD_AUDIT_SIGNING_KEY', () => {
    const store = { engine: 'postgres' as const, location: 'postgres://db' };
    const seed = '33'.repeat(32);
    const fromOption = loadCheckpointSigner(store, { signingKey: seed }, {});
    const fromEnv = loadCheckpointSigner(store, {}, { STEWARD_AUDIT_SIGNING_KEY: seed });
    expect(fromOption.signer.keyId).toBe(fromEnv.signer.keyId);
    expect(fromOption.warnings).toEqual([]);
  });

  it('creates a key file (0600) beside a SQLite database once, and reads it afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steward-audit-key-'));
    try {
      const store = { engine: 'sqlite' as const, location: join(dir, 'steward.db') };
      const first = loadCheckpointSigner(store, {}, {});
      const keyPath = join(dir, 'audit-signing.key');
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyPath, 'utf8')).toContain('BEGIN PRIVATE KEY');
      expect(loadCheckpointSigner(store, {}, {}).signer.keyId).toBe(first.signer.keyId);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('generates a process key for PostgreSQL without a configured one, and warns', () => {
    const { warnings } = loadCheckpointSigner({ engine: 'postgres', location: 'postgres://db' }, {}, {});
    expect(warnings[0]).toMatch(/STEWARD_AUDIT_SIGNING_KEY/);
    expect(loadCheckpointSigner({ engine: 'sqlite', location: ':memory:' }, {}, {}).warnings).toEqual([]);
  });

  it('generates that process key once per store, however often the shared log is rebuilt', () => {
    const store = { engine: 'postgres' as const, location: 'postgres://db/one' };
    const first = loadCheckpointSigner(store, {}, {}).signer;
    expect(loadCheckpointSigner(store, {}, {}).signer.keyId).toBe(first.keyId);
    const other = loadCheckpointSigner({ engine: 'postgres', location: 'postgres://db/two' }, {}, {});
    expect(other.signer.keyId).not.toBe(first.keyId);
  });
});
