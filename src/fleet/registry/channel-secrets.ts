/**
 * Channel secrets in a stored agent config: sealed with the store's secret key before they are written,
 * shown as a marker on every read, opened only when a server builds the live agent.
 */
import { StewardError } from '../../errors/index.js';
import type { StewardStore } from '../../store/index.js';
import type { JsonObject, JsonValue } from './json-config.js';

/** What a read of a config shows in place of a sealed secret; a put that sends it back keeps the secret. */
export const sealedSecretMarker = '[sealed]';

/** A sealed value as stored: still a string, so a stored config keeps its schema's shape. */
const sealedPrefix = 'sealed:v1:';

/** The secret fields of a channel entry, as paths inside the entry. */
export const channelSecretPaths: readonly (readonly string[])[] = [
  ['botToken'],
  ['signingSecret'],
  ['clientSecret'],
  ['stateSecret'],
  ['webhook'],
  ['authToken'],
  ['smtp', 'auth', 'pass'],
  ['inbound', 'mailgun', 'signingKey'],
];

type Cipher = NonNullable<StewardStore['secretCipher']>;

/**
 * The own config with every channel secret sealed. A value equal to the marker keeps the secret stored
 * at the same place in `previous` (the stored config); an unchanged plaintext reuses its sealed value, so
 * applying the same config again changes nothing.
 */
export function sealChannelSecrets(
  own: JsonObject,
  previous: JsonObject | undefined,
  cipher: Cipher | undefined,
  context: string,
): JsonObject {
  return mapChannelSecrets(own, (value, index, path) => {
    const before = previous && secretAt(previous, index, path);
    if (value === sealedSecretMarker) {
      if (typeof before === 'string' && before.startsWith(sealedPrefix)) return before;
      throw new StewardError(
        'invalid-config',
        `${context}: channels.${index}.${path.join('.')} is "${sealedSecretMarker}" but no secret is stored there to keep; send the secret itself`,
      );
    }
    if (value.startsWith(sealedPrefix)) {
      throw new StewardError(
        'invalid-config',
        `${context}: channels.${index}.${path.join('.')} looks like a stored sealed value; send the secret itself or "${sealedSecretMarker}"`,
      );
    }
    if (!cipher) {
      throw new StewardError(
        'invalid-config',
        'channel secrets (bot tokens) are stored encrypted and this store has no secret key: set store.encryptionKey or STEWARD_SECRET_KEY (the same 32-byte key on every instance, e.g. `openssl rand -hex 32`)',
      );
    }
    if (typeof before === 'string' && before.startsWith(sealedPrefix)) {
      try {
        if (cipher.decrypt(before.slice(sealedPrefix.length)) === value) return before;
      } catch {
        // Sealed with another key: seal again below.
      }
    }
    return sealedPrefix + cipher.encrypt(value);
  });
}

/** The stored config as a read shows it: every sealed secret replaced by the marker. */
export function redactChannelSecrets(stored: JsonObject): JsonObject {
  return mapChannelSecrets(stored, (value) => (value.startsWith(sealedPrefix) ? sealedSecretMarker : value));
}

/** The stored config with its secrets opened, for the live agent only. */
export function openChannelSecrets(stored: JsonObject, cipher: Cipher | undefined): JsonObject {
  return mapChannelSecrets(stored, (value) => {
    if (!value.startsWith(sealedPrefix)) return value;
    if (!cipher) {
      throw new StewardError(
        'decryption-failed',
        'a channel secret is stored encrypted and this store has no secret key: set store.encryptionKey or STEWARD_SECRET_KEY',
      );
    }
    try {
      return cipher.decrypt(value.slice(sealedPrefix.length));
    } catch (error) {
      throw new StewardError(
        'decryption-failed',
        'a channel secret could not be decrypted with this store key',
        {
          cause: error,
        },
      );
    }
  });
}

function mapChannelSecrets(
  config: JsonObject,
  change: (value: string, index: number, path: readonly string[]) => string,
): JsonObject {
  const channels = config.channels;
  if (!Array.isArray(channels)) return config;
  return {
    ...config,
    channels: channels.map((entry, index) => {
      let result: JsonValue = entry;
      for (const path of channelSecretPaths) {
        const value = valueAt(result, path);
        if (typeof value === 'string')
          result = withValueAt(result as JsonObject, path, change(value, index, path));
      }
      return result;
    }),
  };
}

function secretAt(config: JsonObject, index: number, path: readonly string[]): JsonValue | undefined {
  const channels = config.channels;
  return Array.isArray(channels) ? valueAt(channels[index], path) : undefined;
}

function valueAt(value: JsonValue | undefined, path: readonly string[]): JsonValue | undefined {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = current[key];
  }
  return current;
}

function withValueAt(object: JsonObject, path: readonly string[], value: string): JsonObject {
  const [key, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) return { ...object, [key]: value };
  return { ...object, [key]: withValueAt(object[key] as JsonObject, rest, value) };
}

/** An opened (effective) config as a read shows it: every channel secret replaced by the marker. */
export function hideChannelSecrets<Config extends object>(config: Config): Config {
  return mapChannelSecrets(config as unknown as JsonObject, () => sealedSecretMarker) as unknown as Config;
}
