/** Archives of sealed audit segments: gzip JSON lines plus a manifest with the signed checkpoint. */
export { ArchiveIntegrityError } from './archive-integrity-error.js';
export { type ArchiveStoreOptions, createArchiveStore } from './create-archive-store.js';
export { createFileArchiveStore, type FileArchiveStoreConfig } from './file/file-archive-store.js';
export { createS3ArchiveStore, type S3ArchiveStoreConfig } from './s3/s3-archive-store.js';
export { type ArchiveObjects, createSegmentArchive, type SegmentArchiveOptions } from './segment-archive.js';
export { encodeTenantId, segmentName } from './segment-paths.js';
export type {
  ArchivedRecord,
  ArchiveStore,
  PutSegmentInput,
  SegmentIssue,
  SegmentIssueKind,
  SegmentListing,
  SegmentManifest,
  SegmentRef,
  SegmentVerification,
  VerifySegmentOptions,
} from './types.js';
