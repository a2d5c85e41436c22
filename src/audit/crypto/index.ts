/** Field encryption for audit records: AES-256-GCM envelopes under rotatable master keys. */
export { DecryptionFailedError, type DecryptionFailureReason } from './decryption-failed-error.js';
export {
  createEnvKeyProvider,
  type EnvKeyProvider,
  type EnvKeyProviderOptions,
} from './env-key-provider.js';
export {
  ENCRYPTED_FIELD_PREFIX,
  type FieldEnvelope,
  formatEnvelope,
  isEncryptedField,
  parseEnvelope,
} from './envelope.js';
export {
  createFieldCipher,
  type FieldCipher,
  type FieldCipherOptions,
} from './field-cipher.js';
export { KEY_ID_PATTERN, type KeyProvider } from './key-provider.js';
export { keyFingerprint, parseKeyring, parseMasterKey } from './keyring.js';
export type { PayloadFieldOptions } from './payload-fields.js';
