/** Compiles the path globs of Read, Write, Edit, Glob and Grep rules into anchored regular expressions. */

/** @internal What a path pattern is relative to. */
export type PathBase = 'cwd' | 'home' | 'root';

/** @internal The compiled specifier of a Read, Write, Edit, MultiEdit, NotebookEdit, Glob or Grep rule. */
export interface PathSpecifier {
  base: PathBase;
  /** Leading `..` segments of a relative pattern. */
  up: number;
  /** Normalised glob, relative to the base. */
  glob: string;
  regex: RegExp;
  /** `D` when the glob is `D/**` (or `**`, D = '') with no wildcard in D: it covers everything under D. */
  directory?: string;
}

/** @internal Escapes `text` for a regular expression; the Bash rules use it too. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function segmentSource(segment: string, invalid: (reason: string) => Error): string {
  let source = '';
  for (let index = 0; index < segment.length; index++) {
    const char = segment[index]!;
    if (char === '*') {
      while (segment[index + 1] === '*') index++;
      source += '[^/]*';
    } else if (char === '?') source += '[^/]';
    else if (char === '\\') source += escapeRegExp(segment[++index] ?? '\\');
    else if (char === '[') {
      const close = segment.indexOf(']', index + 2);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      let body = segment.slice(index + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `(?!/)[${body.replace(/\\/g, '\\\\')}]`;
      index = close;
    } else source += escapeRegExp(char);
  }
  try {
    new RegExp(source);
  } catch {
    throw invalid(`the glob segment "${segment}" is not valid`);
  }
  return source;
}

/** @internal Compiles the specifier of a path rule; `invalid` builds the error for a malformed one. */
export function compilePathSpecifier(specifier: string, invalid: (reason: string) => Error): PathSpecifier {
  let rest = specifier;
  let base: PathBase = 'cwd';
  if (rest.startsWith('//')) base = 'root';
  else if (rest === '~' || rest.startsWith('~/')) {
    base = 'home';
    rest = rest.slice(1);
  } else if (rest.startsWith('~')) {
    throw invalid('~user paths are not supported; use ~/ for the home directory or //absolute/path');
  }
  // A single leading slash is relative, as in Claude Code (there, to the settings file's folder).
  const directoryOnly = rest.endsWith('/');
  const segments = rest.split('/').filter((segment) => segment !== '' && segment !== '.');
  let up = 0;
  while (segments[0] === '..') {
    segments.shift();
    up++;
  }
  if (segments.includes('..')) throw invalid('".." may only start a relative path');
  if (up > 0 && base === 'root') throw invalid('".." cannot follow the filesystem root');
  if (directoryOnly && segments.at(-1) !== '**') segments.push('**'); // `docs/` = `docs/**`
  let source = '';
  let needSlash = false;
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // `D/**` covers D itself and everything under it; `**/x` and `a/**/x` cross zero or more folders.
      if (last) source += needSlash ? '(?:/.*)?' : '.*';
      else source += needSlash ? '(?:/.*)?/' : '(?:.*/)?';
      needSlash = false;
    } else {
      source += (needSlash ? '/' : '') + segmentSource(segment, invalid);
      needSlash = true;
    }
  });
  const glob = segments.join('/');
  const directoryGlob = segments.at(-1) === '**' ? segments.slice(0, -1).join('/') : undefined;
  const directory = directoryGlob !== undefined && !/[*?[\\]/.test(directoryGlob) ? directoryGlob : undefined;
  return {
    base,
    up,
    glob,
    regex: new RegExp(`^${source}$`, 's'),
    ...(directory === undefined ? {} : { directory }),
  };
}

/** @internal The part of `absolute` below `base`, '' for the base itself, or null when it is outside. */
export function relativeInside(base: string, absolute: string): string | null {
  if (base === '/') return absolute.slice(1);
  if (absolute === base) return '';
  if (absolute.startsWith(base) && absolute.charCodeAt(base.length) === 47)
    return absolute.slice(base.length + 1);
  return null;
}

/** @internal Conservative subsumption of one path specifier by another (false when unsure). */
export function pathCovers(broader: PathSpecifier, narrower: PathSpecifier): boolean {
  if (broader.base !== narrower.base || broader.directory === undefined) return false;
  if (broader.directory === '') return narrower.up <= broader.up;
  if (narrower.up !== broader.up) return false;
  return narrower.glob === broader.directory || narrower.glob.startsWith(`${broader.directory}/`);
}
