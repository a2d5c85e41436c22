/** Splits Bash command lines into their parts and matches them against Bash(…) permission rules. */
import { escapeRegExp } from './path-glob.js';
import type { CompiledPermissionRule } from './permission-rule.js';

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/** One simple command of a command line, with unquoted whitespace collapsed to single spaces. */
export interface ShellSegment {
  text: string;
  /** The text up to the first space: what Bash rules are indexed on. */
  head: string;
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

/** Characters the splitter must look at; runs of any other characters are copied as they are. */
const SPECIAL = new Uint8Array(128);
for (const char of ' \t\\\'"`$<>&|;\n\r') SPECIAL[char.charCodeAt(0)] = 1;

function isOrdinary(code: number): boolean {
  return code >= 128 || SPECIAL[code] === 0; // NaN (past the end) indexes as undefined: not ordinary
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
  return new ShellSplitter(command).run();
}

/** The state of one split; methods rather than closures keep a parse allocation-light. */
class ShellSplitter {
  readonly segments: ShellSegment[] = [];
  readonly substitutions: string[] = [];
  readonly pieces: string[] = [];
  current = '';
  unsafe = false;
  complete = true;
  pendingSpace = false;

  constructor(readonly command: string) {}

  run(): ParsedShellCommand {
    const { command } = this;
    let index = 0;
    while (index < command.length) {
      const code = command.charCodeAt(index);
      if (code >= 128 || SPECIAL[code] === 0) {
        let end = index + 1;
        while (end < command.length) {
          const following = command.charCodeAt(end);
          if (following >= 128 || SPECIAL[following] === 0) end++;
          else if (following === 32 && isOrdinary(command.charCodeAt(end + 1)))
            end += 2; // one space inside a run
          else break;
        }
        this.append(command.slice(index, end));
        index = end;
        continue;
      }
      const char = command[index]!;
      const next = command[index + 1];
      if (char === ' ' || char === '\t') {
        this.pendingSpace = true;
        index++;
      } else if (char === '\\') {
        if (next === '\n') this.pendingSpace = true;
        else this.append(next === undefined ? '\\' : `\\${next}`);
        index += 2;
      } else if (char === "'") {
        const end = command.indexOf("'", index + 1);
        if (end < 0) this.complete = false;
        const stop = end < 0 ? command.length : end + 1;
        this.append(command.slice(index, stop));
        index = stop;
      } else if (char === '"') {
        index = this.doubleQuoted(index);
      } else if (char === '`') {
        const stop = this.backtick(index);
        this.append(command.slice(index, stop));
        index = stop;
      } else if ((char === '$' || char === '<' || char === '>') && next === '(') {
        index = this.substitution(index, index + 1);
      } else if (char === '&' && next === '&') {
        this.endSegment('&&');
        index += 2;
      } else if (char === '|' && next === '|') {
        this.endSegment('||');
        index += 2;
      } else if (char === '|') {
        this.endSegment(next === '&' ? '|&' : '|');
        index += next === '&' ? 2 : 1;
      } else if (char === ';' || char === '\n' || char === '\r') {
        this.endSegment(';');
        index++;
      } else if (char === '>' || (char === '&' && next === '>')) {
        index = this.redirection(index);
      } else if (char === '&') {
        this.endSegment('&');
        index++;
      } else {
        this.append(char);
        index++;
      }
    }
    if (this.current.length > 0) this.endSegment('');
    const { pieces } = this;
    while (pieces.length > 0 && (pieces.at(-1) === '' || pieces.at(-1) === ';')) pieces.pop();
    return {
      normalized: pieces.join(' '),
      segments: this.segments,
      substitutions: this.substitutions,
      complete: this.complete,
    };
  }

  append(text: string): void {
    if (this.pendingSpace && this.current.length > 0) this.current += ' ';
    this.pendingSpace = false;
    this.current += text;
  }

  endSegment(operator: string): void {
    const text = this.current;
    if (text.length > 0) {
      this.segments.push({ text, head: firstWord(text), unsafe: this.unsafe });
      this.pieces.push(text);
    }
    this.pieces.push(operator);
    this.current = '';
    this.unsafe = false;
    this.pendingSpace = false;
  }

  /** A "…" string: copied whole; `$(…)` and backticks inside it still count as substitutions. */
  doubleQuoted(start: number): number {
    const { command } = this;
    let cursor = start + 1;
    while (cursor < command.length && command[cursor] !== '"') {
      if (command[cursor] === '\\') cursor += 2;
      else if (command[cursor] === '`') cursor = this.backtick(cursor);
      else if (command[cursor] === '$' && command[cursor + 1] === '(') {
        const close = closingParenthesis(command, cursor + 1);
        this.unsafe = true;
        this.substitutions.push(command.slice(cursor + 2, close < 0 ? undefined : close));
        if (close < 0) this.complete = false;
        cursor = close < 0 ? command.length : close + 1;
      } else cursor++;
    }
    if (cursor >= command.length) this.complete = false;
    const stop = Math.min(cursor + 1, command.length);
    this.append(command.slice(start, stop));
    return stop;
  }

  /** Records `$(…)`/`<(…)`/`>(…)` whose `(` is at `open`; returns the index after it. */
  substitution(start: number, open: number): number {
    const { command } = this;
    const close = closingParenthesis(command, open);
    this.unsafe = true;
    if (close < 0) {
      this.complete = false;
      this.substitutions.push(command.slice(open + 1));
      this.append(command.slice(start));
      return command.length;
    }
    this.substitutions.push(command.slice(open + 1, close));
    this.append(command.slice(start, close + 1));
    return close + 1;
  }

  /** Records a backtick substitution opened at `open`; returns the index after it. */
  backtick(open: number): number {
    const { command } = this;
    const close = closingBacktick(command, open);
    this.unsafe = true;
    if (close < 0) {
      this.complete = false;
      this.substitutions.push(command.slice(open + 1));
      return command.length;
    }
    this.substitutions.push(command.slice(open + 1, close));
    return close + 1;
  }

  /** Reads `>`, `>>`, `>|`, `&>`, `>&N` and its target; a file target makes the segment unsafe. */
  redirection(start: number): number {
    const { command } = this;
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
    if (!harmless) this.unsafe = true;
    this.append(operator + target);
    return cursor;
  }
}

// ---------------------------------------------------------------------------------------------
// Bash(…) rules
// ---------------------------------------------------------------------------------------------

/** @internal A compiled Bash(…) specifier. */
export interface BashSpecifier {
  form: 'exact' | 'prefix' | 'wildcard';
  /** Normalised specifier; for `prefix`, without the trailing `:*` or ` *`. */
  text: string;
  /** For `wildcard` and for a `prefix` with `*` inside. */
  regex?: RegExp;
  /** The text before the first `*`: every command the rule allows starts with it. */
  literalPrefix: string;
}

/** @internal Compiles the specifier of a Bash rule; `invalid` builds the error for a malformed one. */
export function compileBashSpecifier(specifier: string, invalid: (reason: string) => Error): BashSpecifier {
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
  if (parsed.normalized === '') throw invalid('the command before ":*" is empty');
  if (form !== 'exact') {
    if (parsed.segments.length !== 1 || parsed.normalized !== parsed.segments[0]!.text) {
      throw invalid(
        'a prefix or wildcard rule matches one command, and chained commands are checked part by part, so list each command as its own rule',
      );
    }
    if (parsed.segments[0]!.unsafe || !parsed.complete) {
      throw invalid(
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

/** @internal Whether one command text matches a Bash specifier (unsafe parts aside). */
export function bashTextMatches(specifier: BashSpecifier, text: string): boolean {
  if (specifier.regex) return specifier.regex.test(text);
  if (specifier.form === 'exact') return text === specifier.text;
  if (text === specifier.text) return true;
  const after = text.charCodeAt(specifier.text.length);
  return text.startsWith(specifier.text) && (after === 32 || after === 9);
}

/** The text up to the first space. */
function firstWord(text: string): string {
  const space = text.indexOf(' ');
  return space < 0 ? text : text.slice(0, space);
}

/** @internal A rule with a bit set for each level list that contains it. */
export interface MaskedRule {
  rule: CompiledPermissionRule;
  mask: number;
}

/** What the matcher reads from a compiled rule: a Bash(…) rule keeps its compiled specifier as `bash`. */
type RuleWithBash = CompiledPermissionRule & { readonly bash?: BashSpecifier };

interface BashEntry {
  pattern: string;
  bash: BashSpecifier;
  mask: number;
}

/** @internal Bit i set when list i allows the call; `patterns`: the rules that allow it in the wanted list. */
export interface MaskVerdict {
  mask: number;
  patterns?: string[];
}

function addEntry(map: Map<string, BashEntry[]>, key: string, entry: BashEntry): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

/**
 * @internal The Bash rules of several lists, indexed by the first word of their specifier so that each
 * command part is checked only against rules that can match it (and those starting with a wildcard).
 * One pass tells, for every list at once, whether it allows every part of the command.
 */
export class BashMatcher {
  readonly #wholeLines = new Map<string, BashEntry[]>();
  readonly #byFirstWord = new Map<string, BashEntry[]>();
  readonly #anyFirstWord: BashEntry[] = [];

  constructor(rules: ReadonlyArray<MaskedRule>) {
    for (const { rule, mask } of rules) {
      const bash = (rule as RuleWithBash).bash;
      if (!bash) continue;
      const entry = { pattern: rule.pattern, bash, mask };
      if (bash.form === 'exact') addEntry(this.#wholeLines, bash.text, entry);
      const word = firstWord(bash.text);
      // Keyed only when the first word is literal, so that every command the rule allows starts with it.
      if (word.includes('*')) this.#anyFirstWord.push(entry);
      else addEntry(this.#byFirstWord, word, entry);
    }
  }

  /** `want`: the index of the list whose allowing patterns to report, or -1. */
  evaluate(command: ParsedShellCommand, want: number): MaskVerdict {
    const wantBit = want >= 0 ? 1 << want : 0;
    let mask = 0;
    let patterns: string[] | undefined;
    const whole = this.#wholeLines.get(command.normalized);
    if (whole) {
      for (const entry of whole) {
        mask |= entry.mask;
        if (!patterns && (entry.mask & wantBit) !== 0) patterns = [entry.pattern];
      }
    }
    if (!command.complete || command.segments.length === 0) return patterns ? { mask, patterns } : { mask };
    let chain = -1;
    const chainPatterns: string[] = [];
    for (const segment of command.segments) {
      let segmentMask = 0;
      let segmentPattern: string | undefined;
      const keyed = this.#byFirstWord.get(segment.head);
      for (let pass = 0; pass < 2; pass++) {
        const entries = pass === 0 ? keyed : this.#anyFirstWord;
        if (!entries) continue;
        for (const entry of entries) {
          const addsBits = (segmentMask | entry.mask) !== segmentMask;
          const addsPattern = segmentPattern === undefined && (entry.mask & wantBit) !== 0;
          if ((!addsBits && !addsPattern) || !bashSegmentAllowed(entry.bash, segment)) continue;
          segmentMask |= entry.mask;
          if (addsPattern) segmentPattern = entry.pattern;
        }
      }
      chain &= segmentMask;
      if (chain === 0) break;
      if (segmentPattern !== undefined && !chainPatterns.includes(segmentPattern))
        chainPatterns.push(segmentPattern);
    }
    mask |= chain;
    if (!patterns && (chain & wantBit) !== 0) patterns = chainPatterns;
    return patterns ? { mask, patterns } : { mask };
  }
}

/**
 * @internal One Bash rule's allow semantics: the whole line equals an exact rule, or the rule allows every
 * part.
 */
export function bashAllowsAlone(specifier: BashSpecifier, command: ParsedShellCommand): boolean {
  if (specifier.form === 'exact' && specifier.text === command.normalized) return true;
  if (!command.complete || command.segments.length === 0) return false;
  return command.segments.every((segment) => bashSegmentAllowed(specifier, segment));
}

const WRAPPERS = new Set(['env', 'nohup', 'nice', 'timeout', 'time', 'sudo', 'command', 'exec', 'xargs']);

/** @internal Every command a deny rule should look at: each part, each substitution, without grouping or wrappers. */
export function denyCandidates(command: ParsedShellCommand, depth = 0): string[] {
  const candidates: string[] = [];
  for (const segment of command.segments) {
    let text = segment.text;
    candidates.push(text);
    if (GROUPING_START.has(text.charCodeAt(0)) || GROUPING_END.has(text.charCodeAt(text.length - 1))) {
      text = text.replace(/^[\s({!]+/, '').replace(/[\s)}]+$/, '');
      candidates.push(text);
    }
    const head = text === segment.text ? segment.head : firstWord(text);
    if (WRAPPERS.has(head) || head.includes('=')) {
      const words = text.split(' ');
      let skip = 0;
      while (skip < words.length) {
        const word = words[skip]!;
        if (!WRAPPERS.has(word) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) break;
        skip++;
        while (skip < words.length && /^(-\S*|[\d.]+[smhd]?)$/.test(words[skip]!)) skip++;
      }
      if (skip > 0) candidates.push(words.slice(skip).join(' '));
    }
  }
  if (depth < 4) {
    for (const body of command.substitutions)
      candidates.push(...denyCandidates(parseShellCommand(body), depth + 1));
  }
  return candidates;
}

const GROUPING_START = new Set(['(', '{', '!'].map((char) => char.charCodeAt(0)));
const GROUPING_END = new Set([')', '}'].map((char) => char.charCodeAt(0)));

/** @internal Conservative subsumption of one Bash specifier by another (false when unsure). */
export function bashCovers(broader: BashSpecifier, narrower: BashSpecifier): boolean {
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
