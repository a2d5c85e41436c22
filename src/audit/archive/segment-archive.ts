/** The ArchiveStore logic shared by every backend; a backend only stores, fetches and lists objects. */
import { StewardError } from '../../errors/index.js';
import { ArchiveIntegrityError } from './archive-integrity-error.js';
import { decodeManifest, encodeSegment, inspectSegment, manifestIssues } from './segment-codec.js';
import { encodeTenantId, parseSegmentFile, segmentKeys, segmentName } from './segment-paths.js';
import type {
  ArchivedRecord,
  ArchiveStore,
  SegmentListing,
  SegmentRef,
  VerifySegmentOptions,
} from './types.js';

/**
 * The few object operations an archive backend provides. Keys are `/`-separated and relative to
 * the backend's root (`acme/1-100.jsonl.gz`).
 */
export interface ArchiveObjects {
  /** Where the objects live, for messages: `file:///…` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Stores `body` under `key` so that readers see all of it or nothing. */
  put(
    key: string,
    body: Buffer,
    options: { contentType: string; retainUntil: Date | undefined },
  ): Promise<void>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Buffer | undefined>;
  /** Names of the objects directly inside `folder` (without the folder part). */
  list(folder: string): Promise<string[]>;
}

export interface SegmentArchiveOptions {
  /** Clock for manifests' `createdAt`, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Builds an ArchiveStore on a backend. Backends call this from their `create…ArchiveStore`.
 *
 * @example
 * export function createMyArchiveStore(config: MyConfig): ArchiveStore {
 *   return createSegmentArchive(myObjects(config), { now: config.now });
 * }
 */
export function createSegmentArchive(
  objects: ArchiveObjects,
  options: SegmentArchiveOptions = {},
): ArchiveStore {
  const now = options.now ?? Date.now;

  async function getManifestBytes(
    segment: SegmentRef,
  ): Promise<{ keys: ReturnType<typeof segmentKeys>; bytes?: Buffer }> {
    const keys = segmentKeys(segment);
    const bytes = await objects.get(keys.manifest);
    return bytes === undefined ? { keys } : { keys, bytes };
  }

  async function inspect(segment: SegmentRef, verifyOptions: VerifySegmentOptions = {}) {
    const { keys, bytes } = await getManifestBytes(segment);
    const object = await objects.get(keys.object);
    return inspectSegment(segment, objectName(keys.object), bytes, object, verifyOptions);
  }

  return {
    location: objects.location,

    async putSegment(input) {
      const keys = segmentKeys(input);
      if ((await objects.get(keys.manifest)) !== undefined) {
        throw new StewardError(
          'invalid-request',
          `Audit segment ${segmentName(input)} is already archived in ${objects.location}; archives are write-once.`,
          { details: { segment: segmentName(input) } },
        );
      }
      const encoded = await encodeSegment(input, objectName(keys.object), new Date(now()));
      // Data first: a manifest only ever points at an object that is fully there.
      await objects.put(keys.object, encoded.object, {
        contentType: 'application/gzip',
        retainUntil: input.retainUntil,
      });
      await objects.put(keys.manifest, encoded.manifestBytes, {
        contentType: 'application/json',
        retainUntil: input.retainUntil,
      });
      return encoded.manifest;
    },

    async listSegments(tenantId) {
      const found = new Map<string, SegmentListing & { hasObject: boolean; hasManifest: boolean }>();
      for (const name of await objects.list(encodeTenantId(tenantId))) {
        const parsed = parseSegmentFile(name);
        if (!parsed) continue;
        const id = `${parsed.firstSeq}-${parsed.lastSeq}`;
        const entry = found.get(id) ?? {
          tenantId,
          firstSeq: parsed.firstSeq,
          lastSeq: parsed.lastSeq,
          complete: false,
          hasObject: false,
          hasManifest: false,
        };
        if (parsed.kind === 'object') entry.hasObject = true;
        else entry.hasManifest = true;
        found.set(id, entry);
      }
      return [...found.values()]
        .sort((a, b) => a.firstSeq - b.firstSeq || a.lastSeq - b.lastSeq)
        .map(({ hasObject, hasManifest, ...listing }) => ({
          ...listing,
          complete: hasObject && hasManifest,
        }));
    },

    async getManifest(segment) {
      const { bytes } = await getManifestBytes(segment);
      if (bytes === undefined) return undefined;
      const name = segmentName(segment);
      const decoded = decodeManifest(bytes);
      if (!decoded.manifest) throw new ArchiveIntegrityError(name, decoded.issue ? [decoded.issue] : []);
      const problems = manifestIssues(segment, decoded.manifest, objectName(segmentKeys(segment).object));
      if (problems.length > 0) throw new ArchiveIntegrityError(name, problems);
      return decoded.manifest;
    },

    async readSegment<RecordType extends ArchivedRecord = ArchivedRecord>(segment: SegmentRef) {
      const { verification, records } = await inspect(segment);
      if (verification.issues.some((issue) => issue.kind === 'missing-manifest')) {
        throw new StewardError(
          'not-found',
          `Audit segment ${verification.name} has no manifest in ${objects.location}: it was never archived, or its write did not finish.`,
          { details: { segment: verification.name } },
        );
      }
      if (!verification.ok || !records)
        throw new ArchiveIntegrityError(verification.name, verification.issues);
      return records as RecordType[];
    },

    async verifySegment(segment, verifyOptions = {}) {
      return (await inspect(segment, verifyOptions)).verification;
    },
  };
}

function objectName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
