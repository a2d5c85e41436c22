/**
 * Claude Code's permission-rule grammar, compiled once so that matching a tool call is a few map
 * look-ups and pre-built regular expressions. The grammar and its edge cases: docs/trust-permissions.md.
 */
import { posix } from 'node:path';
import { StewardError } from '../errors/index.js';
import {
  type BashSpecifier,
  bashAllowsAlone,
  bashCovers,
  bashDenyHits,
  compileBashSpecifier,
} from './bash-rule.js';
import {
  compilePathSpecifier,
  type PathBase,
  type PathSpecifier,
  pathCovers,
  relativeInside,
} from './path-glob.js';
import { type ParsedShellCommand, parseShellCommand } from './shell-command.js';
import type { ShellCommandCache } from './shell-command-cache.js';

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
  return new StewardError(
    'invalid-config',
    `Invalid permission pattern "${pattern}": ${reason}. ${GRAMMAR_HINT}`,
    {
      details: { pattern, reason },
    },
  );
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
 * @internal One tool call, read lazily: its command, path and host are parsed at most once however many
 * rules look at them. The permission table builds one per decision.
 */
export class PermissionSubject {
  #command: ParsedShellCommand | null | undefined;
  #path: string | null | undefined;
  #host: string | null | undefined;
  #mcpServer: string | null | undefined;
  #relatives: Map<string, string | null | false> | undefined;

  /** `commands`: where recently parsed commands are kept (the permission table's); none parses every time. */
  constructor(
    readonly toolName: string,
    readonly input: Record<string, unknown>,
    readonly context: PermissionMatchContext,
    readonly commands?: ShellCommandCache,
  ) {}

  /** The parsed `command` of a Bash call, or null when there is none. */
  command(): ParsedShellCommand | null {
    if (this.#command === undefined) {
      const command = this.input.command;
      if (typeof command !== 'string') this.#command = null;
      else this.#command = this.commands ? this.commands.parse(command) : parseShellCommand(command);
    }
    return this.#command;
  }

  /** The server of an MCP tool (`mcp__server__tool`), or null. */
  mcpServer(): string | null {
    if (this.#mcpServer === undefined) this.#mcpServer = mcpServerOf(this.toolName);
    return this.#mcpServer;
  }

  /** The absolute, normalised path the call touches (`..` resolved), or null when it cannot be read. */
  path(): string | null {
    if (this.#path === undefined) this.#path = this.#readPath();
    return this.#path;
  }

  #readPath(): string | null {
    const { input, context } = this;
    const raw =
      typeof input.file_path === 'string'
        ? input.file_path
        : typeof input.notebook_path === 'string'
          ? input.notebook_path
          : input.path;
    if (typeof raw !== 'string' || raw === '')
      return SEARCH_TOOLS.has(this.toolName) ? posix.resolve(context.cwd) : null;
    if (raw === '~' || raw.startsWith('~/')) {
      return context.home === undefined ? null : posix.resolve(context.home, raw.slice(2));
    }
    // Tools pass absolute paths; one already in normal form needs no resolving.
    if (raw.charCodeAt(0) === 47 && !raw.includes('/.') && !raw.includes('//') && !raw.endsWith('/'))
      return raw;
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

  /**
   * The input path relative to a pattern's base ('' for the base itself), null when it lies outside
   * the base, false when the base is unknown (a `~/` pattern without a home directory). Cached per base.
   */
  relative(base: PathBase, up: number, absolute: string): string | null | false {
    if (base === 'root') return absolute.slice(1);
    const key = up === 0 ? base : `${base}:${up}`;
    this.#relatives ??= new Map();
    let relative = this.#relatives.get(key);
    if (relative === undefined) {
      const start = base === 'cwd' ? this.context.cwd : this.context.home;
      relative =
        start === undefined
          ? false
          : relativeInside(posix.resolve(start, ...Array<string>(up).fill('..')), absolute);
      this.#relatives.set(key, relative);
    }
    return relative;
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

/** @internal `mcp__server__tool` → `server`; null for a name that is not an MCP tool with a tool part. */
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
      if (specifier === '')
        throw invalidPattern(pattern, `the specifier is empty; write ${tool} alone for every call`);
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
      if (
        !TOOL_NAME.test(server) ||
        (!isServerWildcard && !parts.slice(1).every((part) => TOOL_NAME.test(part)))
      ) {
        throw invalidPattern(
          pattern,
          'an MCP pattern is mcp__server, mcp__server__* or mcp__server__tool, with no other wildcard and no empty part',
        );
      }
      if (server.endsWith('_')) {
        // A tool name splits at the first "__" after mcp__ (as in Claude Code): mcp__a___b is server
        // "a" with tool "_b", so a rule naming a server "a_" could never match one of its tools.
        throw invalidPattern(
          pattern,
          `a server name cannot end with "_": tool names split at the first "__" after mcp__, so mcp__${server}__x is server "${server.replace(/_+$/, '')}", tool "${'_'.repeat(server.length - server.replace(/_+$/, '').length)}x"`,
        );
      }
      this.server = server;
      if (isServerWildcard || parts.length === 1) {
        if (specifier !== undefined)
          throw invalidPattern(pattern, `${tool} names a whole server and takes no specifier`);
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
    // Claude Code: Bash(*) is the same as Bash, every command (substitutions and all).
    if (specifier === undefined || (tool === 'Bash' && /^\*+$/.test(specifier))) {
      this.kind = 'tool';
      return;
    }
    this.kind = 'tool-specifier';
    const invalid = (reason: string) => invalidPattern(pattern, reason);
    if (tool === 'Bash') this.bash = compileBashSpecifier(specifier, invalid);
    else if (PATH_TOOLS.has(tool)) this.path = compilePathSpecifier(specifier, invalid);
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
    return (
      this.namesTool(toolName) && this.matchSubject(new PermissionSubject(toolName, input, context), 'allow')
    );
  }

  matchesForDeny(toolName: string, input: Record<string, unknown>, context: PermissionMatchContext): boolean {
    return (
      this.namesTool(toolName) && this.matchSubject(new PermissionSubject(toolName, input, context), 'deny')
    );
  }

  /** The specifier check, for a subject whose tool `namesTool` already accepted. */
  matchSubject(subject: PermissionSubject, mode: 'allow' | 'deny'): boolean {
    if (this.kind !== 'tool-specifier') return true;
    if (this.bash) {
      const command = subject.command();
      if (!command) return mode === 'deny';
      return mode === 'allow' ? bashAllowsAlone(this.bash, command) : bashDenyHits(this.bash, command);
    }
    if (this.path) {
      if (subject.globEscapes()) return mode === 'deny';
      const absolute = subject.path();
      if (absolute === null) return mode === 'deny';
      const relative = subject.relative(this.path.base, this.path.up, absolute);
      return typeof relative === 'string' && this.path.regex.test(relative);
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

/** @internal The compiled specifier of a Bash(…) rule. */
export function ruleBash(rule: CompiledPermissionRule): BashSpecifier | undefined {
  return (rule as PermissionRule).bash;
}

/** @internal The compiled path glob of a Read, Write, Edit, MultiEdit, NotebookEdit, Glob or Grep rule. */
export function rulePath(rule: CompiledPermissionRule): PathSpecifier | undefined {
  return (rule as PermissionRule).path;
}

/** @internal The server name of an MCP-form rule. */
export function ruleServer(rule: CompiledPermissionRule): string | undefined {
  return (rule as PermissionRule).server;
}

// ---------------------------------------------------------------------------------------------
// Subsumption
// ---------------------------------------------------------------------------------------------

function toRule(pattern: string | CompiledPermissionRule): PermissionRule {
  return pattern instanceof PermissionRule
    ? pattern
    : new PermissionRule(typeof pattern === 'string' ? pattern : pattern.pattern);
}

function sameSpecifier(a: PermissionRule, b: PermissionRule): boolean {
  if (a.bash && b.bash) return a.bash.form === b.bash.form && a.bash.text === b.bash.text;
  if (a.path && b.path)
    return a.path.base === b.path.base && a.path.up === b.path.up && a.path.glob === b.path.glob;
  if (a.domain && b.domain)
    return a.domain.host === b.domain.host && a.domain.subdomains === b.domain.subdomains;
  return a.specifier === b.specifier;
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
