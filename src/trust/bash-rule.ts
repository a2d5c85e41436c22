/** Bash(…) permission rules: specifiers in Claude Code's grammar, compiled once and matched against parsed command lines. */

import { readSpecifierCommand, type SpecifierCommand, SpecifierSyntaxError } from './bash-specifier.js';
import { escapeRegExp } from './path-glob.js';
import type { ParsedShellCommand, ShellSegment } from './shell-command.js';

/** @internal A compiled Bash(…) specifier. */
export interface BashSpecifier {
  form: 'exact' | 'prefix' | 'wildcard';
  /** The canonical text of its command (of its whole line when it chains commands); for `prefix`, without the trailing `:*` or ` *`. */
  text: string;
  /** For `exact`: the redirections the command must have (rendered, '' for none). */
  redirects: string;
  /** For `exact`: the whole line, for a specifier that chains commands (`npm ci && npm test`). */
  normalized: string;
  /** For `exact`: the specifier read as a command line, to decide what it covers. */
  parsed?: ParsedShellCommand;
  /** For `wildcard` and for a `prefix` with `*` inside. */
  regex?: RegExp;
  /** The text before the first `*`: every command the rule allows starts with it. */
  literalPrefix: string;
}

/**
 * @internal Compiles the specifier of a Bash rule; `invalid` builds the error for a malformed one.
 * As in Claude Code, `cmd:*` and `cmd *` (a space, then a final `*`) both mean `cmd` alone or followed by a
 * space and anything; any other `*` matches any characters, spaces included. The command is read by the
 * shell grammar, so quoting does not matter (`Bash(git commit -m "wip")` is `git commit -m wip`).
 */
export function compileBashSpecifier(specifier: string, invalid: (reason: string) => Error): BashSpecifier {
  let body = specifier;
  let form: BashSpecifier['form'];
  if (body.endsWith(':*')) {
    form = 'prefix';
    body = body.slice(0, -2);
  } else if (/\s\*$/.test(body)) {
    form = 'prefix';
    body = body.slice(0, -1);
  } else {
    form = body.includes('*') ? 'wildcard' : 'exact';
  }
  if (body.trim() === '') throw invalid('the command before ":*" is empty');
  let read: SpecifierCommand;
  try {
    read = readSpecifierCommand(body);
  } catch (error) {
    if (error instanceof SpecifierSyntaxError) throw invalid(error.message);
    throw error;
  }
  const { parsed } = read;
  const segment = parsed.segments[0];
  if (segment === undefined) throw invalid('the specifier names no command');
  // An exact specifier that chains commands matches that whole line only, never one of its commands.
  const text = parsed.segments.length === 1 ? segment.texts[0]! : parsed.normalized;
  if (form !== 'exact') {
    if (parsed.segments.length !== 1 || parsed.normalized !== joinRedirects(text, segment.redirects)) {
      throw invalid(
        'a prefix or wildcard rule matches one command, and chained commands are checked part by part, so list each command as its own rule',
      );
    }
    if (read.writes || read.substitution) {
      throw invalid(
        'a prefix or wildcard rule cannot contain $( ), backticks or an output redirection; write the exact command instead',
      );
    }
  }
  const star = text.indexOf('*');
  const literalPrefix = star < 0 ? text : text.slice(0, star);
  const compiled: BashSpecifier = {
    form,
    text,
    redirects: segment.redirects,
    normalized: parsed.normalized,
    literalPrefix,
  };
  if (form === 'exact') compiled.parsed = parsed;
  const source = text.split('*').map(escapeRegExp).join('.*');
  if (form === 'wildcard') compiled.regex = new RegExp(`^${source}$`, 's');
  else if (form === 'prefix' && star >= 0) compiled.regex = new RegExp(`^${source}(?:\\s.*)?$`, 's');
  return compiled;
}

function joinRedirects(text: string, redirects: string): string {
  return redirects === '' ? text : `${text} ${redirects}`;
}

/** @internal Whether one command text matches a Bash specifier (unsafe parts aside). */
export function bashTextMatches(specifier: BashSpecifier, text: string): boolean {
  if (specifier.regex) return specifier.regex.test(text);
  if (specifier.form === 'exact') return text === specifier.text;
  if (text === specifier.text) return true;
  const after = text.charCodeAt(specifier.text.length);
  return (after === 32 || after === 9) && text.startsWith(specifier.text);
}

/** Allow semantics for one command: an exact rule names it; prefix and wildcard rules never allow an unsafe one. */
function segmentAllowed(specifier: BashSpecifier, segment: ShellSegment): boolean {
  if (specifier.form === 'exact') {
    return segment.redirects === specifier.redirects && segment.texts.includes(specifier.text);
  }
  if (segment.unsafe) return false;
  return segment.texts.some((text) => bashTextMatches(specifier, text));
}

/** @internal One Bash rule's allow semantics: the whole line equals an exact rule, or the rule allows every command. */
export function bashAllowsAlone(specifier: BashSpecifier, command: ParsedShellCommand): boolean {
  if (!command.complete || command.segments.length === 0) return false;
  if (specifier.form === 'exact' && specifier.normalized === command.normalized) return true;
  return command.segments.every((segment) => segmentAllowed(specifier, segment));
}

/**
 * @internal One Bash rule's deny semantics: it names any command the line runs, at any wrapper layer, or the
 * line cannot be fully read (a program only known at run time, a syntax error), so any Bash deny rule holds.
 */
export function bashDenyHits(specifier: BashSpecifier, command: ParsedShellCommand): boolean {
  if (command.undetermined !== undefined || !command.complete) return true;
  if (specifier.form === 'exact' && specifier.normalized === command.normalized) return true;
  return command.denyTexts.some((text) => bashTextMatches(specifier, text));
}

/** The text up to the first space. */
function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}

/** @internal A rule's pattern and compiled specifier, with a bit set for each level list that contains it. */
export interface MaskedBashRule {
  pattern: string;
  bash: BashSpecifier;
  mask: number;
}

/** @internal Bit i set when list i allows the call; `patterns`: the rules that allow it in the wanted list. */
export interface MaskVerdict {
  mask: number;
  patterns?: string[];
}

function addEntry(map: Map<string, MaskedBashRule[]>, key: string, entry: MaskedBashRule): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/**
 * @internal The Bash rules of several lists, indexed by the first word of their specifier so that each
 * command is checked only against rules that can match it (and those starting with a wildcard).
 * One pass tells, for every list at once, whether it allows every command of the line.
 */
export class BashMatcher {
  readonly #wholeLines = new Map<string, MaskedBashRule[]>();
  readonly #byFirstWord = new Map<string, MaskedBashRule[]>();
  readonly #anyFirstWord: MaskedBashRule[] = [];

  constructor(rules: ReadonlyArray<MaskedBashRule>) {
    for (const entry of rules) {
      const { bash } = entry;
      if (bash.form === 'exact') addEntry(this.#wholeLines, bash.normalized, entry);
      const word = firstWord(bash.text);
      // Keyed only when the first word is literal, so that every command the rule allows starts with it.
      if (word.includes('*')) this.#anyFirstWord.push(entry);
      else addEntry(this.#byFirstWord, word, entry);
    }
  }

  /** Adds to `verdict` the lists among `entries` that allow `segment`, each rule checked once. */
  #consider(
    entries: MaskedBashRule[] | undefined,
    segment: ShellSegment,
    wantBit: number,
    verdict: SegmentVerdict,
  ): void {
    if (!entries) return;
    for (const entry of entries) {
      const addsBits = (verdict.mask | entry.mask) !== verdict.mask;
      const addsPattern = verdict.pattern === undefined && (entry.mask & wantBit) !== 0;
      if ((!addsBits && !addsPattern) || !segmentAllowed(entry.bash, segment)) continue;
      verdict.mask |= entry.mask;
      if (addsPattern) verdict.pattern = entry.pattern;
    }
  }

  /** `want`: the index of the list whose allowing patterns to report, or -1. */
  evaluate(command: ParsedShellCommand, want: number): MaskVerdict {
    const wantBit = want >= 0 ? 1 << want : 0;
    if (!command.complete || command.segments.length === 0) return { mask: 0 };
    let mask = 0;
    let patterns: string[] | undefined;
    for (const entry of this.#wholeLines.get(command.normalized) ?? []) {
      mask |= entry.mask;
      if (!patterns && (entry.mask & wantBit) !== 0) patterns = [entry.pattern];
    }
    let chain = -1;
    const chainPatterns: string[] = [];
    for (const segment of command.segments) {
      const verdict: SegmentVerdict = { mask: 0, pattern: undefined };
      for (const text of segment.texts)
        this.#consider(this.#byFirstWord.get(firstWord(text)), segment, wantBit, verdict);
      this.#consider(this.#anyFirstWord, segment, wantBit, verdict);
      chain &= verdict.mask;
      if (chain === 0) break;
      if (verdict.pattern !== undefined && !chainPatterns.includes(verdict.pattern))
        chainPatterns.push(verdict.pattern);
    }
    mask |= chain;
    if (!patterns && (chain & wantBit) !== 0) patterns = chainPatterns;
    return patterns ? { mask, patterns } : { mask };
  }
}

interface SegmentVerdict {
  mask: number;
  pattern: string | undefined;
}

/** @internal Conservative subsumption of one Bash specifier by another (false when unsure). */
export function bashCovers(broader: BashSpecifier, narrower: BashSpecifier): boolean {
  if (narrower.parsed) {
    // The narrower rule allows just this command line; the broader one decides it as it would at run time.
    return bashAllowsAlone(broader, narrower.parsed);
  }
  if (broader.form === 'wildcard' && broader.text.replace(/\*+/g, '*') === '*') return true;
  if (broader.form !== 'prefix' || broader.regex) return false;
  // Every command the narrower rule allows starts with its literal prefix.
  const prefix = narrower.literalPrefix;
  const after = prefix.charCodeAt(broader.text.length);
  if (prefix.startsWith(broader.text) && (after === 32 || after === 9)) return true;
  return narrower.form === 'prefix' && !narrower.regex && narrower.text === broader.text;
}
