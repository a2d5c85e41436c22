// Types of bin/source-stamp.js, for the TypeScript that imports it (the benchmarks).
export function quickStamp(sourceDirectory: string): string;
export function contentStamp(sourceDirectory: string): string;
export function stampMatches(
  sourceDirectory: string,
  recorded: { quick?: string; content?: string },
): boolean;
