/**
 * Claude Code's permission-rule grammar, compiled once so that matching a tool call is a few map
 * look-ups and pre-built regular expressions. The grammar and its edge cases: docs/trust-permissions.md.
 */
import { posix } from 'node:path';
import { StewardError } from '../errors/index.js';

/** Where a tool call runs: relative patterns and relative input paths resolve against `cwd`. */
export interface PermissionMatchContext {
  /** The run's working directory, absolute. */
  cwd: string;
  /** The home directory for `~/` patterns and `~/` input paths; without it `~/` patterns match nothing. */
  home?: string;
}

/** What the tool part of a pattern names. */
export type PermissionRuleKind =
  | 'any-tool' // *
  | 'any-mcp-tool' // mcp__*
  | 'mcp-server' // mcp__server: the server's tools (and a tool named exactly mcp__server)
  | 'mcp-server-tools' // mcp__server__*
  | 'tool' // Read, mcp__server__tool
  | 'tool-specifier'; // Bash(npm run test:*), Write(./docs/**), WebFetch(domain:example.com)

export interface CompiledPermissionRule {
  /** The pattern as written in the config. */
  readonly pattern: string;
  readonly kind: PermissionRuleKind;
  /** The part before any `(`: a tool name, `*`, `mcp__*`, `mcp__server__*` or `mcp__server`. */
  readonly tool: string;
  /** The text between the parentheses, trimmed; absent for a bare tool name. */
  readonly specifier?: string;
  /** Allow semantics: true when this rule alone allows the call (for Bash, every chained command). */
  matches(toolName: string, input: Record<string, unknown>, context: PermissionMatchContext): boolean;
  /**
   * Deny semantics: true when this rule hits any part of the call (for Bash, any chained or
   * substituted command), or when the call's path or URL cannot be read at all.
   */
  matchesForDeny(toolName: string, input: Record<string, unknown>, context: PermissionMatchContext): boolean;
}

const TOOL_NAME = /^[A-Za-z0-9_-]+$/;
const PATH_TOOLS = new Set(['Read', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit', 'Glob', 'Grep']);
/** Tools whose input path is a directory to search, defaulting to the working directory. */
const SEARCH_TOOLS = new Set(['Glob', 'Grep']);
const GRAMMAR_HINT =
  'Use a tool name (Read), * (every tool), mcp__* (every MCP tool), mcp__server or mcp__server__* (one MCP server), ' +
  'or Tool(specifier) such as Bash(npm run test:*), Write(./docs/**) or WebFetch(domain:example.com).';

/** The `reason` detail says what was wrong without the pattern and hint around it. */
function invalidPattern(pattern: string, reason: string): StewardError {
  return new StewardError('invalid-config', `Invalid permission pattern "${pattern}": ${reason}. ${GRAMMAR_HINT}`, {
    details: { pattern, reason },
  });
}

// ---------------------------------------------------------------------------------------------
// Shell commands (Bash)
// ---------------------------------------------------------------------------------------------

/** One simple command of a command line, with unquoted whitespace collapsed to single spaces. */
export interface ShellSegment {
  text: string;
  /** Has `$(…)`, backticks, `<(…)`/`>(…)` or an output redirection to a file other than /dev/null. */
  unsafe: boolean;
}

export interface ParsedShellCommand {
  /** The whole line, whitespace-normalised, segments joined by their operators. */
  normalized: string;
  segments: ShellSegment[];
  /** Bodies of `$(…)`, backticks and process substitutions: deny rules look inside them. */
  substitutions: string[];
  /** False when a quote or substitution is left open. */
  complete: boolean;
}

const WORD_END = new Set([' ', '\t', '\n', '\r', ';', '&', '|', '<', '>', '(', ')']);

/** Index of the `)` closing the `(` at `open`, skipping quoted text; -1 when there is none. */
function closingParenthesis(command: string, open: number): number {
  let depth = 0;
  for (let index = open; index < command.length; index++) {
    const char = command[index];
    if (char === '\\') index++;
    else if (char === "'") {
      const end = command.indexOf("'", index + 1);
      if (end < 0) return -1;
      index = end;
    } else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}

function closingBacktick(command: string, open: number): number {
  for (let index = open + 1; index < command.length; index++) {
    if (command[index] === '\\') index++;
    else if (command[index] === '`') return index;
  }
  return -1;
}

/**
 * Splits a command line on `&&`, `||`, `;`, `|`, `|&`, `&` and newlines, outside quotes, so that
 * every part can be checked on its own. Not a full shell parser: what it cannot read it marks unsafe
 * or incomplete, and unsafe or incomplete commands are never allowed by a prefix or wildcard rule.
 */
export function parseShellCommand(command: string): ParsedShellCommand {
  const segments: ShellSegment[] = [];
  const substitutions: string[] = [];
  const pieces: string[] = [];
  let current = '';
  let unsafe = false;
  let complete = true;
  let pendingSpace = false;
  const append = (text: string) => {
    if (pendingSpace && current.length > 0) current += ' ';
    pendingSpace = false;
    current += text;
  };
  const endSegment = (operator: string) => {
    if (current.length > 0) {
      segments.push({ text: current, unsafe });
      pieces.push(current);
    }
    pieces.push(operator);
    current = '';
    unsafe = false;
    pendingSpace = false;
  };
  /** Records `$(…)`/`<(…)`/`>(…)` whose `(` is at `open`; returns the index after it. */
  const substitution = (start: number, open: number): number => {
    const close = closingParenthesis(command, open);
    unsafe = true;
    if (close < 0) {
      complete = false;
      substitutions.push(command.slice(open + 1));
      append(command.slice(start));
      return command.length;
    }
    substitutions.push(command.slice(open + 1, close));
    append(command.slice(start, close + 1));
    return close + 1;
  };
  const backtick = (open: number): number => {
    const close = closingBacktick(command, open);
    unsafe = true;
    if (close < 0) {
      complete = false;
      substitutions.push(command.slice(open + 1));
      return command.length;
    }
    substitutions.push(command.slice(open + 1, close));
    return close + 1;
  };

  let index = 0;
  while (index < command.length) {
    const char = command[index]!;
    const next = command[index + 1];
    if (char === ' ' || char === '\t') {
      pendingSpace = true;
      index++;
    } else if (char === '\\') {
      if (next === '\n') pendingSpace = true;
      else append(next === undefined ? '\\' : `\\${next}`);
      index += 2;
    } else if (char === "'") {
      const end = command.indexOf("'", index + 1);
      if (end < 0) complete = false;
      const stop = end < 0 ? command.length : end + 1;
      append(command.slice(index, stop));
      index = stop;
    } else if (char === '"') {
      let cursor = index + 1;
      while (cursor < command.length && command[cursor] !== '"') {
        if (command[cursor] === '\\') cursor += 2;
        else if (command[cursor] === '`') cursor = backtick(cursor);
        else if (command[cursor] === '$' && command[cursor + 1] === '(') {
          const close = closingParenthesis(command, cursor + 1);
          unsafe = true;
          substitutions.push(command.slice(cursor + 2, close < 0 ? undefined : close));
          cursor = close < 0 ? command.length : close + 1;
        } else cursor++;
      }
      if (cursor >= command.length) complete = false;
      const stop = Math.min(cursor + 1, command.length);
      append(command.slice(index, stop));
      index = stop;
    } else if (char === '`') {
      const stop = backtick(index);
      append(command.slice(index, stop));
      index = stop;
    } else if ((char === '$' || char === '<' || char === '>') && next === '(') {
      index = substitution(index, index + 1);
    } else if (char === '&' && next === '&') {
      endSegment('&&');
      index += 2;
    } else if (char === '|' && next === '|') {
      endSegment('||');
      index += 2;
    } else if (char === '|') {
      endSegment(next === '&' ? '|&' : '|');
      index += next === '&' ? 2 : 1;
    } else if (char === ';' || char === '\n' || char === '\r') {
      endSegment(';');
      index++;
    } else if (char === '>' || (char === '&' && next === '>')) {
      index = redirection(index);
    } else if (char === '&') {
      endSegment('&');
      index++;
    } else {
      append(char);
      index++;
    }
  }
  if (current.length > 0) endSegment('');
  while (pieces.length > 0 && (pieces.at(-1) === '' || pieces.at(-1) === ';')) pieces.pop();
  return { normalized: pieces.join(' '), segments, substitutions, complete };

  /** Reads `>`, `>>`, `>|`, `&>`, `>&N` and its target; a file target makes the segment unsafe. */
  function redirection(start: number): number {
    let cursor = start;
    let operator = '';
    if (command[cursor] === '&') operator += command[cursor++]!;
    operator += command[cursor++]!; // '>'
    if (command[cursor] === '>' || command[cursor] === '|') operator += command[cursor++]!;
    let duplicate = false;
    if (command[cursor] === '&' && !operator.startsWith('&')) {
      operator += command[cursor++]!;
      duplicate = true;
    }
    while (command[cursor] === ' ' || command[cursor] === '\t') cursor++;
    let target = '';
    if (command[cursor] === '"' || command[cursor] === "'") {
      const end = command.indexOf(command[cursor]!, cursor + 1);
      const stop = end < 0 ? command.length : end + 1;
      target = command.slice(cursor, stop);
      cursor = stop;
    } else {
      while (cursor < command.length && !WORD_END.has(command[cursor]!)) target += command[cursor++];
    }
    const harmless = target === '/dev/null' || (duplicate && /^(\d+|-)$/.test(target));
    if (!harmless) unsafe = true;
    append(operator + target);
    return cursor;
  }
}

interface BashSpecifier {
  form: 'exact' | 'prefix' | 'wildcard';
  /** Normalised specifier; for `prefix`, without the trailing `:*` or ` *`. */
  text: string;
  /** For `wildcard` and for a `prefix` with `*` inside. */
  regex?: RegExp;
  /** The text before the first `*`: every command the rule allows starts with it. */
  literalPrefix: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function compileBashSpecifier(pattern: string, specifier: string): BashSpecifier {
  let body = specifier;
  let form: BashSpecifier['form'];
  const wildcards = specifier.split('*').length - 1;
  if (body.endsWith(':*')) {
    form = 'prefix';
    body = body.slice(0, -2);
  } else if (wildcards === 1 && /\s\*$/.test(body)) {
    // Claude Code: a single trailing wildcard after a space is optional, so `ls *` is `ls:*`.
    form = 'prefix';
    body = body.slice(0, -1);
  } else {
    form = body.includes('*') ? 'wildcard' : 'exact';
  }
  const parsed = parseShellCommand(body);
  if (parsed.normalized === '') throw invalidPattern(pattern, 'the command before ":*" is empty');
  if (form !== 'exact') {
    if (parsed.segments.length !== 1 || parsed.normalized !== parsed.segments[0]!.text) {
      throw invalidPattern(
        pattern,
        'a prefix or wildcard rule matches one command, and chained commands are checked part by part, so list each command as its own rule',
      );
    }
    if (parsed.segments[0]!.unsafe || !parsed.complete) {
      throw invalidPattern(
        pattern,
        'a prefix or wildcard rule cannot contain $( ), backticks or an output redirection; write the exact command instead',
      );
    }
  }
  const text = parsed.normalized;
  const star = text.indexOf('*');
  const literalPrefix = star < 0 ? text : text.slice(0, star);
  const source = text.split('*').map(escapeRegExp).join('.*');
  if (form === 'wildcard') return { form, text, regex: new RegExp(`^${source}$`, 's'), literalPrefix };
  if (form === 'prefix' && star >= 0) {
    return { form, text, regex: new RegExp(`^${source}(?:\\s.*)?$`, 's'), literalPrefix };
  }
  return { form, text, literalPrefix };
}

/** Allow semantics for one part: prefix and wildcard rules never allow an unsafe part. */
function bashSegmentAllowed(specifier: BashSpecifier, segment: ShellSegment): boolean {
  if (specifier.form === 'exact') return segment.text === specifier.text;
  if (segment.unsafe) return false;
  return bashTextMatches(specifier, segment.text);
}

function bashTextMatches(specifier: BashSpecifier, text: string): boolean {
  if (specifier.regex) return specifier.regex.test(text);
  if (specifier.form === 'exact') return text === specifier.text;
  if (text === specifier.text) return true;
  const after = text.charCodeAt(specifier.text.length);
  return text.startsWith(specifier.text) && (after === 32 || after === 9);
}

/** A Bash rule as the matcher needs it: its pattern (for reporting) and its compiled specifier. */
interface BashEntry {
  readonly pattern: string;
  readonly bash?: BashSpecifier | undefined;
}

/**
 * Patterns of the Bash rules that together allow every part of the command, or undefined.
 * An exact rule also allows the whole line when it equals it (`Bash(npm ci && npm test)`).
 */
export function bashRulesAllow(
  rules: ReadonlyArray<CompiledPermissionRule>,
  command: ParsedShellCommand,
): string[] | undefined {
  return new BashMatcher(rules as ReadonlyArray<BashEntry>).allow(command);
}

/** The first word of a command part: what most Bash rules are keyed on. */
function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}

/**
 * The Bash rules of one list, indexed by the first word of their specifier so that each command
 * part is checked only against rules that can match it (plus those starting with a wildcard).
 */
export class BashMatcher {
  readonly #wholeLines = new Map<string, string>();
  readonly #byFirstWord = new Map<string, BashEntry[]>();
  readonly #anyFirstWord: BashEntry[] = [];

  constructor(rules: ReadonlyArray<BashEntry>) {
    for (const rule of rules) {
      const specifier = rule.bash;
      if (!specifier) continue;
      if (specifier.form === 'exact' && !this.#wholeLines.has(specifier.text)) {
        this.#wholeLines.set(specifier.text, rule.pattern);
      }
      const word = firstWord(specifier.text);
      // The key is safe only when the first word is literal and complete in every match.
      if (word.includes('*') || (specifier.form === 'wildcard' && word === specifier.text)) this.#anyFirstWord.push(rule);
      else {
        const list = this.#byFirstWord.get(word) ?? [];
        list.push(rule);
        this.#byFirstWord.set(word, list);
      }
    }
  }

  allow(command: ParsedShellCommand): string[] | undefined {
    const whole = this.#wholeLines.get(command.normalized);
    if (whole !== undefined) return [whole];
    if (!command.complete || command.segments.length === 0) return undefined;
    let used: string[] | undefined;
    for (const segment of command.segments) {
      const pattern = this.#allowSegment(segment);
      if (pattern === undefined) return undefined;
      if (!used) used = [pattern];
      else if (!used.includes(pattern)) used.push(pattern);
    }
    return used;
  }

  #allowSegment(segment: ShellSegment): string | undefined {
    const keyed = this.#byFirstWord.get(firstWord(segment.text));
    if (keyed) for (const rule of keyed) if (bashSegmentAllowed(rule.bash!, segment)) return rule.pattern;
    for (const rule of this.#anyFirstWord) if (bashSegmentAllowed(rule.bash!, segment)) return rule.pattern;
    return undefined;
  }
}

/** One Bash rule's allow semantics: the whole line equals an exact rule, or the rule allows every part. */
function bashAllowsAlone(specifier: BashSpecifier, command: ParsedShellCommand): boolean {
  if (specifier.form === 'exact' && specifier.text === command.normalized) return true;
  if (!command.complete || command.segments.length === 0) return false;
  return command.segments.every((segment) => bashSegmentAllowed(specifier, segment));
}

const WRAPPERS = new Set(['env', 'nohup', 'nice', 'timeout', 'time', 'sudo', 'command', 'exec', 'xargs']);

/** Every command a deny rule should look at: each part, each substitution, without grouping or wrappers. */
export function denyCandidates(command: ParsedShellCommand, depth = 0): string[] {
  const candidates: string[] = [];
  for (const segment of command.segments) {
    const ungrouped = segment.text.replace(/^[\s({!]+/, '').replace(/[\s)}]+$/, '');
    candidates.push(segment.text, ungrouped);
    const words = ungrouped.split(' ');
    let skip = 0;
    while (skip < words.length) {
      const word = words[skip]!;
      const isWrapper = WRAPPERS.has(word);
      if (!isWrapper && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) break;
      skip++;
      while (skip < words.length && /^(-\S*|[\d.]+[smhd]?)$/.test(words[skip]!)) skip++;
    }
    if (skip > 0) candidates.push(words.slice(skip).join(' '));
  }
  if (depth < 4) {
    for (const body of command.substitutions) candidates.push(...denyCandidates(parseShellCommand(body), depth + 1));
  }
  return candidates;
}

// ---------------------------------------------------------------------------------------------
// Paths (Read, Write, Edit, MultiEdit, NotebookEdit, Glob, Grep)
// ---------------------------------------------------------------------------------------------

type PathBase = 'cwd' | 'home' | 'root';

interface PathSpecifier {
  base: PathBase;
  /** Leading `..` segments of a relative pattern. */
  up: number;
  /** Normalised glob, relative to the base. */
  glob: string;
  regex: RegExp;
  /** `D` when the glob is `D/**` (or `**`, D = '') with no wildcard in D: it covers everything under D. */
  directory?: string;
}

function segmentSource(pattern: string, segment: string): string {
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
    throw invalidPattern(pattern, `the glob segment "${segment}" is not valid`);
  }
  return source;
}

function compilePathSpecifier(pattern: string, specifier: string): PathSpecifier {
  let rest = specifier;
  let base: PathBase = 'cwd';
  if (rest.startsWith('//')) base = 'root';
  else if (rest === '~' || rest.startsWith('~/')) {
    base = 'home';
    rest = rest.slice(1);
  } else if (rest.startsWith('~')) {
    throw invalidPattern(pattern, '~user paths are not supported; use ~/ for the home directory or //absolute/path');
  }
  // A single leading slash is relative, as in Claude Code (there, to the settings file's folder).
  const directoryOnly = rest.endsWith('/');
  const segments = rest.split('/').filter((segment) => segment !== '' && segment !== '.');
  let up = 0;
  while (segments[0] === '..') {
    segments.shift();
    up++;
  }
  if (segments.includes('..')) throw invalidPattern(pattern, '".." may only start a relative path');
  if (up > 0 && base === 'root') throw invalidPattern(pattern, '".." cannot follow the filesystem root');
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
      source += (needSlash ? '/' : '') + segmentSource(pattern, segment);
      needSlash = true;
    }
  });
  const glob = segments.join('/');
  const directoryGlob = segments.at(-1) === '**' ? segments.slice(0, -1).join('/') : undefined;
  const directory =
    directoryGlob !== undefined && !/[*?[\\]/.test(directoryGlob) ? directoryGlob : undefined;
  return {
    base,
    up,
    glob,
    regex: new RegExp(`^${source}$`, 's'),
    ...(directory === undefined ? {} : { directory }),
  };
}

/** The part of `absolute` below `base`, '' for the base itself, or null when it is outside. */
function relativeInside(base: string, absolute: string): string | null {
  if (base === '/') return absolute.slice(1);
  if (absolute === base) return '';
  if (absolute.startsWith(base) && absolute.charCodeAt(base.length) === 47) return absolute.slice(base.length + 1);
  return null;
}

// ---------------------------------------------------------------------------------------------
// Domains (WebFetch)
// ---------------------------------------------------------------------------------------------

interface DomainSpecifier {
  host: string;
  /** `domain:*.example.com`: any subdomain, not the apex. */
  subdomains: boolean;
}

function compileDomainSpecifier(pattern: string, specifier: string): DomainSpecifier {
  if (!specifier.startsWith('domain:')) {
    throw invalidPattern(pattern, 'WebFetch takes domain:<host>, as in WebFetch(domain:example.com)');
  }
  let host = specifier.slice('domain:'.length).trim().toLowerCase();
  const subdomains = host.startsWith('*.');
  if (subdomains) host = host.slice(2);
  if (host === '' || /[\s/:*@?#]/.test(host)) {
    throw invalidPattern(pattern, 'the domain must be a host name without scheme, port or path (or *.host)');
  }
  try {
    host = new URL(`http://${host}`).hostname;
  } catch {
    throw invalidPattern(pattern, `"${host}" is not a valid host name`);
  }
  return { host: host.replace(/\.$/, ''), subdomains };
}

// ---------------------------------------------------------------------------------------------
// The call being decided, with what rules read from it computed once
// ---------------------------------------------------------------------------------------------

/**
 * One tool call, read lazily: its command, path and host are parsed at most once however many
 * rules look at them. The permission table builds one per decision.
 */
export class PermissionSubject {
  #command: ParsedShellCommand | null | undefined;
  #path: string | null | undefined;
  #host: string | null | undefined;
  #denyCandidates: string[] | undefined;
  #bases: Map<string, string | null> | undefined;

  constructor(
    readonly toolName: string,
    readonly input: Record<string, unknown>,
    readonly context: PermissionMatchContext,
  ) {}

  /** The parsed `command` of a Bash call, or null when there is none. */
  command(): ParsedShellCommand | null {
    if (this.#command === undefined) {
      const command = this.input.command;
      this.#command = typeof command === 'string' ? parseShellCommand(command) : null;
    }
    return this.#command;
  }

  /** Every command a Bash deny rule looks at (parts, substitutions, without wrappers). */
  denyCandidates(): string[] {
    if (this.#denyCandidates === undefined) {
      const command = this.command();
      this.#denyCandidates = command ? denyCandidates(command) : [];
    }
    return this.#denyCandidates;
  }

  /** The absolute, normalised path the call touches (`..` resolved), or null when it cannot be read. */
  path(): string | null {
    if (this.#path === undefined) this.#path = this.#readPath();
    return this.#path;
  }

  #readPath(): string | null {
    const { input, context } = this;
    const raw = [input.file_path, input.notebook_path, input.path].find((value) => typeof value === 'string');
    if (typeof raw !== 'string' || raw === '') return SEARCH_TOOLS.has(this.toolName) ? posix.resolve(context.cwd) : null;
    if (raw === '~' || raw.startsWith('~/')) {
      return context.home === undefined ? null : posix.resolve(context.home, raw.slice(2));
    }
    return posix.resolve(context.cwd, raw);
  }

  /** True when a Glob pattern is absolute or climbs with `..`, so it can reach outside its `path`. */
  globEscapes(): boolean {
    const pattern = this.input.pattern;
    return (
      this.toolName === 'Glob' &&
      typeof pattern === 'string' &&
      (pattern.startsWith('/') || pattern.startsWith('~') || /(^|\/)\.\.(\/|$)/.test(pattern))
    );
  }

  /** The directory a path pattern is relative to, or null when it is unknown (no home). */
  base(base: PathBase, up: number): string | null {
    if (base === 'root') return '/';
    const key = `${base}:${up}`;
    this.#bases ??= new Map();
    let directory = this.#bases.get(key);
    if (directory === undefined) {
      const start = base === 'cwd' ? this.context.cwd : this.context.home;
      directory = start === undefined ? null : posix.resolve(start, ...Array<string>(up).fill('..'));
      this.#bases.set(key, directory);
    }
    return directory;
  }

  /** The lower-cased host of a WebFetch `url`, or null when it is not an http(s) URL. */
  host(): string | null {
    if (this.#host === undefined) {
      this.#host = null;
      const url = this.input.url;
      if (typeof url === 'string') {
        try {
          const parsed = new URL(url);
          if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
            this.#host = parsed.hostname.toLowerCase().replace(/\.$/, '') || null;
          }
        } catch {
          this.#host = null;
        }
      }
    }
    return this.#host;
  }
}

/** `mcp__server__tool` → `server`; null for a name that is not an MCP tool with a tool part. */
export function mcpServerOf(toolName: string): string | null {
  if (!toolName.startsWith('mcp__')) return null;
  const end = toolName.indexOf('__', 5);
  if (end <= 5 || end + 2 >= toolName.length) return null;
  return toolName.slice(5, end);
}

// ---------------------------------------------------------------------------------------------
// Rules
// ---------------------------------------------------------------------------------------------

class PermissionRule implements CompiledPermissionRule {
  readonly kind: PermissionRuleKind;
  readonly tool: string;
  readonly specifier?: string;
  /** For the MCP forms: the server name. */
  readonly server?: string;
  readonly bash?: BashSpecifier;
  readonly path?: PathSpecifier;
  readonly domain?: DomainSpecifier;

  constructor(readonly pattern: string) {
    const trimmed = pattern.trim();
    if (trimmed === '') throw invalidPattern(pattern, 'it is empty');
    const open = trimmed.indexOf('(');
    let tool = trimmed;
    let specifier: string | undefined;
    if (open >= 0) {
      if (!trimmed.endsWith(')')) throw invalidPattern(pattern, 'a specifier must end with ")"');
      tool = trimmed.slice(0, open);
      specifier = trimmed.slice(open + 1, -1).trim();
      if (tool === '') throw invalidPattern(pattern, 'there is no tool name before "("');
      if (specifier === '') throw invalidPattern(pattern, `the specifier is empty; write ${tool} alone for every call`);
    } else if (trimmed.includes(')')) {
      throw invalidPattern(pattern, '")" without "("');
    }
    this.tool = tool;
    if (specifier !== undefined) this.specifier = specifier;

    if (tool === '*' || tool === 'mcp__*') {
      if (specifier !== undefined) throw invalidPattern(pattern, `${tool} takes no specifier`);
      this.kind = tool === '*' ? 'any-tool' : 'any-mcp-tool';
      return;
    }
    if (tool.startsWith('mcp__')) {
      const parts = tool.slice(5).split('__');
      const server = parts[0]!;
      const isServerWildcard = parts.length === 2 && parts[1] === '*';
      if (!TOOL_NAME.test(server) || (!isServerWildcard && !parts.slice(1).every((part) => TOOL_NAME.test(part)))) {
        throw invalidPattern(
          pattern,
          'an MCP pattern is mcp__server, mcp__server__* or mcp__server__tool, with no other wildcard and no empty part',
        );
      }
      this.server = server;
      if (isServerWildcard || parts.length === 1) {
        if (specifier !== undefined) throw invalidPattern(pattern, `${tool} names a whole server and takes no specifier`);
        this.kind = isServerWildcard ? 'mcp-server-tools' : 'mcp-server';
        return;
      }
    } else if (!TOOL_NAME.test(tool)) {
      throw invalidPattern(
        pattern,
        tool.includes('*')
          ? 'the only wildcards in a tool name are *, mcp__* and mcp__server__*'
          : 'a tool name has only letters, digits, _ and -',
      );
    }
    if (specifier === undefined) {
      this.kind = 'tool';
      return;
    }
    this.kind = 'tool-specifier';
    if (tool === 'Bash') this.bash = compileBashSpecifier(pattern, specifier);
    else if (PATH_TOOLS.has(tool)) this.path = compilePathSpecifier(pattern, specifier);
    else if (tool === 'WebFetch') this.domain = compileDomainSpecifier(pattern, specifier);
    // Any other tool's specifier is kept but never matches: we cannot know what it refers to.
  }

  /** Whether the tool part alone names this tool (the specifier aside). */
  namesTool(toolName: string): boolean {
    switch (this.kind) {
      case 'any-tool':
        return true;
      case 'any-mcp-tool':
        return toolName.startsWith('mcp__');
      case 'mcp-server':
        return toolName === this.tool || mcpServerOf(toolName) === this.server;
      case 'mcp-server-tools':
        return mcpServerOf(toolName) === this.server;
      default:
        return toolName === this.tool;
    }
  }

  matches(toolName: string, input: Record<string, unknown>, context: PermissionMatchContext): boolean {
    return this.namesTool(toolName) && this.matchSubject(new PermissionSubject(toolName, input, context), 'allow');
  }

  matchesForDeny(toolName: string, input: Record<string, unknown>, context: PermissionMatchContext): boolean {
    return this.namesTool(toolName) && this.matchSubject(new PermissionSubject(toolName, input, context), 'deny');
  }

  /** The specifier check, for a subject whose tool `namesTool` already accepted. */
  matchSubject(subject: PermissionSubject, mode: 'allow' | 'deny'): boolean {
    if (this.kind !== 'tool-specifier') return true;
    if (this.bash) {
      const command = subject.command();
      if (!command) return mode === 'deny';
      if (mode === 'allow') return bashAllowsAlone(this.bash, command);
      const specifier = this.bash;
      return (
        (specifier.form === 'exact' && command.normalized === specifier.text) ||
        subject.denyCandidates().some((candidate) => bashTextMatches(specifier, candidate))
      );
    }
    if (this.path) {
      if (subject.globEscapes()) return mode === 'deny';
      const absolute = subject.path();
      if (absolute === null) return mode === 'deny';
      const base = subject.base(this.path.base, this.path.up);
      if (base === null) return false;
      const relative = relativeInside(base, absolute);
      return relative !== null && this.path.regex.test(relative);
    }
    if (this.domain) {
      const host = subject.host();
      if (host === null) return mode === 'deny';
      const { host: wanted, subdomains } = this.domain;
      return subdomains ? host.endsWith(`.${wanted}`) : host === wanted;
    }
    return false;
  }
}

/**
 * Parses and compiles one pattern; throws StewardError `invalid-config` naming it when malformed.
 *
 * @example
 * const rule = compilePermissionRule('Bash(npm run test:*)');
 * rule.matches('Bash', { command: 'npm run test -- --watch' }, { cwd: '/repo' }); // true
 * rule.matches('Bash', { command: 'npm run test && rm -rf /' }, { cwd: '/repo' }); // false
 */
export function compilePermissionRule(pattern: string): CompiledPermissionRule {
  return new PermissionRule(pattern);
}

/** @internal The specifier check of a compiled rule, for a subject whose tool the rule names. */
export function matchRuleSubject(
  rule: CompiledPermissionRule,
  subject: PermissionSubject,
  mode: 'allow' | 'deny',
): boolean {
  return (rule as PermissionRule).matchSubject(subject, mode);
}

/** @internal The server name of an MCP-form rule. */
export function ruleServer(rule: CompiledPermissionRule): string | undefined {
  return (rule as PermissionRule).server;
}

// ---------------------------------------------------------------------------------------------
// Subsumption
// ---------------------------------------------------------------------------------------------

function toRule(pattern: string | CompiledPermissionRule): PermissionRule {
  return pattern instanceof PermissionRule ? pattern : new PermissionRule(typeof pattern === 'string' ? pattern : pattern.pattern);
}

function sameSpecifier(a: PermissionRule, b: PermissionRule): boolean {
  if (a.bash && b.bash) return a.bash.form === b.bash.form && a.bash.text === b.bash.text;
  if (a.path && b.path) return a.path.base === b.path.base && a.path.up === b.path.up && a.path.glob === b.path.glob;
  if (a.domain && b.domain) return a.domain.host === b.domain.host && a.domain.subdomains === b.domain.subdomains;
  return a.specifier === b.specifier;
}

function bashCovers(broader: BashSpecifier, narrower: BashSpecifier): boolean {
  if (narrower.form === 'exact') {
    // The narrower rule allows just this command line; the broader one decides it as it would at run time.
    return bashAllowsAlone(broader, parseShellCommand(narrower.text));
  }
  if (broader.form === 'wildcard' && broader.text.replace(/\*+/g, '*') === '*') return true;
  if (broader.form !== 'prefix' || broader.regex) return false;
  // Every command the narrower rule allows starts with its literal prefix.
  const prefix = narrower.literalPrefix;
  const after = prefix.charCodeAt(broader.text.length);
  if (prefix.startsWith(broader.text) && (after === 32 || after === 9)) return true;
  return narrower.form === 'prefix' && !narrower.regex && narrower.text === broader.text;
}

function pathCovers(broader: PathSpecifier, narrower: PathSpecifier): boolean {
  if (broader.base !== narrower.base || broader.directory === undefined) return false;
  if (broader.directory === '') return narrower.up <= broader.up;
  if (narrower.up !== broader.up) return false;
  return narrower.glob === broader.directory || narrower.glob.startsWith(`${broader.directory}/`);
}

function domainCovers(broader: DomainSpecifier, narrower: DomainSpecifier): boolean {
  return broader.subdomains && narrower.host.endsWith(`.${broader.host}`);
}

/**
 * Conservative subsumption: true only when every call `narrower` matches is matched by `broader`
 * (false when unsure). Used to check that a higher trust level never allows less than a lower one.
 *
 * @example
 * covers('mcp__*', 'mcp__slack__post'); // true
 * covers('Bash(npm run:*)', 'Bash(npm run test)'); // true
 * covers('Write(./docs/**)', 'Write(./src/a.ts)'); // false
 */
export function covers(
  broader: string | CompiledPermissionRule,
  narrower: string | CompiledPermissionRule,
): boolean {
  const wide = toRule(broader);
  const narrow = toRule(narrower);
  switch (wide.kind) {
    case 'any-tool':
      return true;
    case 'any-mcp-tool':
      return narrow.kind !== 'any-tool' && narrow.tool.startsWith('mcp__');
    case 'mcp-server':
      return narrow.server === wide.server && narrow.kind !== 'any-mcp-tool';
    case 'mcp-server-tools':
      return narrow.server === wide.server && narrow.kind !== 'mcp-server' && narrow.kind !== 'any-mcp-tool';
    case 'tool':
      return (narrow.kind === 'tool' || narrow.kind === 'tool-specifier') && narrow.tool === wide.tool;
    case 'tool-specifier': {
      if (narrow.kind !== 'tool-specifier' || narrow.tool !== wide.tool) return false;
      if (sameSpecifier(wide, narrow)) return true;
      if (wide.bash && narrow.bash) return bashCovers(wide.bash, narrow.bash);
      if (wide.path && narrow.path) return pathCovers(wide.path, narrow.path);
      if (wide.domain && narrow.domain) return domainCovers(wide.domain, narrow.domain);
      return false;
    }
  }
}
