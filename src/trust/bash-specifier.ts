/**
 * Reads the command inside a Bash(…) rule at config time, without the Bash parser (which loads
 * asynchronously, while config validation is synchronous). A rule is trusted config, not model output,
 * so this reader accepts only plain commands: words, quotes, escapes, `$VAR`, assignments, `&&` `||` `;`
 * `|` `&` and redirections. It renders them exactly as `parseShellCommand` renders the same text (a
 * property test checks this against tree-sitter), and rejects everything else with a reason.
 */

import type { ParsedShellCommand, ShellSegment } from './shell-command.js';
import {
  decodeAnsiC,
  redirectWrites,
  renderWord,
  type ShellWord,
  unescapeDoubleQuoted,
} from './shell-words.js';
import { unwrap } from './shell-wrappers.js';

/** A reason the reader does not accept a specifier; the rule compiler turns it into `invalid-config`. */
export class SpecifierSyntaxError extends Error {}

const OPERATORS = ['&&', '||', '|&', ';;', '|', ';', '&'];
const REDIRECTS = ['&>>', '&>', '>>', '>|', '>&', '<&', '<>', '<<', '>', '<'];
/** Words the shell reads as syntax at the start of a command. */
const RESERVED = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'function',
  'select',
  'in',
  '{',
  '}',
  '!',
  '[[',
  ']]',
  '[',
  'coproc',
]);
const DECLARATIONS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*\+?=/;

interface Segment {
  assignments: string[];
  words: ShellWord[];
  redirects: string[];
  writes: boolean;
  /** Some word holds `$(…)` or backticks. */
  substitution: boolean;
}

class SpecifierReader {
  index = 0;
  readonly segments: Segment[] = [];
  readonly rendered: string[] = [];
  current: Segment = { assignments: [], words: [], redirects: [], writes: false, substitution: false };
  /** Set while reading a word that holds a substitution. */
  substitution = false;

  constructor(readonly source: string) {}

  fail(reason: string): never {
    throw new SpecifierSyntaxError(reason);
  }

  read(): void {
    const { source } = this;
    while (this.index < source.length) {
      const char = source[this.index]!;
      if (char === ' ' || char === '\t') {
        this.index++;
      } else if (char === '\\' && source[this.index + 1] === '\n') {
        this.index += 2;
      } else if (char === '\n') {
        this.index++;
        if (!this.currentIsEmpty()) this.endSegment(';');
      } else {
        const redirect = REDIRECTS.find((candidate) => source.startsWith(candidate, this.index));
        const operator = OPERATORS.find((candidate) => source.startsWith(candidate, this.index));
        if (redirect) {
          if (redirect === '<<') this.fail('here-documents and here-strings are not read in a rule');
          this.redirect('', redirect);
        } else if (operator) {
          if (operator === ';;') this.fail('";;" belongs to case, which a rule cannot name');
          if (this.currentIsEmpty()) this.fail(`"${operator}" with no command before it`);
          this.index += operator.length;
          this.endSegment(operator);
        } else if (char === '(' || char === ')') {
          this.fail('parentheses (subshells, grouping) are not read in a rule');
        } else if (char === '#') {
          this.fail('a comment is not read in a rule');
        } else {
          this.word();
        }
      }
    }
    if (!this.currentIsEmpty()) this.endSegment('');
    const last = this.rendered.at(-1);
    if (last === '&&' || last === '||' || last === '|' || last === '|&')
      this.fail(`the command ends with "${last}"`);
  }

  currentIsEmpty(): boolean {
    const { words, assignments, redirects } = this.current;
    return words.length === 0 && assignments.length === 0 && redirects.length === 0;
  }

  endSegment(operator: string): void {
    this.segments.push(this.current);
    this.rendered.push(renderSegment(this.current, true));
    if (operator !== '') this.rendered.push(operator);
    this.current = { assignments: [], words: [], redirects: [], writes: false, substitution: false };
  }

  /** A redirection: optional descriptor digits (already read as a word), operator, target word. */
  redirect(descriptor: string, operator: string): void {
    this.index += operator.length;
    if (this.source[this.index] === '(') this.fail('process substitution is not read in a rule');
    while (this.source[this.index] === ' ' || this.source[this.index] === '\t') this.index++;
    const target = this.readWord();
    if (target === undefined) this.fail(`"${operator}" with no target`);
    this.current.redirects.push(`${descriptor}${operator}${renderWord(target)}`);
    if (redirectWrites(operator, target)) this.current.writes = true;
  }

  word(): void {
    const start = this.index;
    const segment = this.current;
    // `2>&1`: digits right before a redirection are its descriptor.
    const digits = /^\d+/.exec(this.source.slice(start))?.[0];
    if (digits) {
      const after = start + digits.length;
      const redirect = REDIRECTS.find((candidate) => this.source.startsWith(candidate, after));
      if (redirect && redirect !== '&>' && redirect !== '&>>') {
        this.index = after;
        if (redirect === '<<') this.fail('here-documents and here-strings are not read in a rule');
        this.redirect(digits, redirect);
        return;
      }
    }
    const assignment =
      segment.words.length === 0 ? ASSIGNMENT.exec(this.source.slice(start))?.[0] : undefined;
    if (assignment) this.index += assignment.length;
    const word = this.readWord() ?? { value: '', raw: '', pattern: false, substitution: false };
    if (assignment) {
      segment.assignments.push(`${assignment}${renderAssignedValue(word)}`);
      return;
    }
    if (
      segment.words.length === 0 &&
      word.value !== null &&
      RESERVED.has(word.value) &&
      word.raw === word.value
    ) {
      this.fail(`"${word.value}" is shell syntax, not a command a rule can name`);
    }
    if (segment.words.length === 1 && DECLARATIONS.has(segment.words[0]!.raw)) {
      // The grammar reads declaration arguments its own way (`export r""m` as two names).
      this.fail(
        `a rule names "${segment.words[0]!.raw}" alone (as Bash(${segment.words[0]!.raw}:*)), not its arguments`,
      );
    }
    segment.words.push(word);
  }

  /** Reads one word from the current position; undefined when there is none. */
  readWord(): ShellWord | undefined {
    const { source } = this;
    const start = this.index;
    let value: string | null = '';
    const append = (text: string | null) => {
      value = value === null || text === null ? null : value + text;
    };
    this.substitution = false;
    while (this.index < source.length) {
      const char = source[this.index]!;
      if (' \t\n;&|<>()'.includes(char)) break;
      if (char === '`' || source.startsWith('$(', this.index)) {
        this.index = this.skipSubstitution(this.index);
        append(null);
      } else if (char === '\\') {
        const next = source[this.index + 1];
        this.index += 2;
        if (next !== undefined && next !== '\n') append(next);
      } else if (char === "'") {
        const end = source.indexOf("'", this.index + 1);
        if (end < 0) this.fail('an unclosed quote');
        append(source.slice(this.index + 1, end));
        this.index = end + 1;
      } else if (char === '"') {
        append(this.doubleQuoted());
      } else if (char === '$') {
        append(this.dollar());
      } else {
        append(char);
        this.index++;
      }
    }
    if (this.index === start) return undefined;
    const substitution = this.substitution;
    if (substitution) this.current.substitution = true;
    return { value, raw: source.slice(start, this.index), pattern: false, substitution };
  }

  doubleQuoted(): string | null {
    const { source } = this;
    let value: string | null = '';
    let cursor = this.index + 1;
    let text = '';
    while (cursor < source.length && source[cursor] !== '"') {
      const char = source[cursor]!;
      if (char === '`' || source.startsWith('$(', cursor)) {
        cursor = this.skipSubstitution(cursor);
        value = null;
      } else if (char === '\\') {
        text += source.slice(cursor, cursor + 2);
        cursor += 2;
      } else {
        if (char === '$' && /[A-Za-z_{0-9@*#?$!-]/.test(source[cursor + 1] ?? '')) value = null;
        text += char;
        cursor++;
      }
    }
    if (cursor >= source.length) this.fail('an unclosed quote');
    this.index = cursor + 1;
    return value === null ? null : unescapeDoubleQuoted(text);
  }

  /**
   * Skips `$(…)` or a backtick substitution starting at `start`, returning the index after it. Only an
   * exact rule may hold one (it then names that text exactly); its command is not read here.
   */
  skipSubstitution(start: number): number {
    const { source } = this;
    this.substitution = true;
    if (source[start] === '`') {
      let cursor = start + 1;
      while (cursor < source.length && source[cursor] !== '`') cursor += source[cursor] === '\\' ? 2 : 1;
      if (cursor >= source.length) this.fail('an unclosed backtick');
      return cursor + 1;
    }
    let depth = 0;
    for (let cursor = start + 1; cursor < source.length; cursor++) {
      const char = source[cursor];
      if (char === '\\') cursor++;
      else if (char === "'") {
        cursor = source.indexOf("'", cursor + 1);
        if (cursor < 0) break;
      } else if (char === '(') depth++;
      else if (char === ')' && --depth === 0) return cursor + 1;
    }
    return this.fail('an unclosed $(');
  }

  /** `$'…'` is decoded; `$VAR` and `${…}` are only known at run time; `$(…)` is rejected. */
  dollar(): string | null {
    const { source } = this;
    const next = source[this.index + 1];
    if (next === "'") {
      let cursor = this.index + 2;
      while (cursor < source.length && source[cursor] !== "'") cursor += source[cursor] === '\\' ? 2 : 1;
      if (cursor >= source.length) this.fail('an unclosed quote');
      const body = source.slice(this.index + 2, cursor);
      this.index = cursor + 1;
      return decodeAnsiC(body);
    }
    if (next === '{') {
      const end = source.indexOf('}', this.index);
      if (end < 0) this.fail('an unclosed \u0024{ (a parameter expansion)');
      if (source.slice(this.index, end).includes('$('))
        this.fail('a substitution inside a parameter expansion is not read in a rule');
      this.index = end + 1;
      return null;
    }
    const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(source.slice(this.index + 1))?.[0];
    if (!name) this.fail('a "$" that is not a variable');
    this.index += 1 + name.length;
    return null;
  }
}

/** The value of an assignment, rendered as `parseShellCommand` renders it. */
function renderAssignedValue(word: ShellWord): string {
  return word.raw === '' ? '' : renderWord(word);
}

/** Assignments, words and, for the whole line, redirections. */
function renderSegment(segment: Segment, withRedirects: boolean): string {
  const text = [...segment.assignments, ...segment.words.map(renderWord)].join(' ');
  if (!withRedirects || segment.redirects.length === 0) return text;
  return text === '' ? segment.redirects.join(' ') : `${text} ${segment.redirects.join(' ')}`;
}

/**
 * For allow rules, as `parseShellCommand` sees a command: the text without leading process wrappers,
 * and whether a wrapper runs something no prefix rule may allow (conservatively: any script, since it
 * is not parsed here).
 */
function allowView(argv: ShellWord[]): { stripped?: ShellWord[]; unsafe: boolean } {
  let unsafe = false;
  let stripped: ShellWord[] | undefined;
  let chain: ShellWord[] | undefined = argv;
  const queue: ShellWord[][] = [argv];
  for (let next = queue.pop(), count = 0; next !== undefined && count < 64; next = queue.pop(), count++) {
    const program = next[0];
    if (program === undefined) continue;
    if (program.value === null) {
      unsafe = true;
      continue;
    }
    const readings = unwrap(next);
    const continues = next === chain;
    chain = undefined;
    for (const reading of readings) {
      if (reading.exec || reading.script) unsafe = true;
      if (!reading.argv) continue;
      const argvRead = reading.input
        ? [...reading.argv, { value: null, raw: '<words from input>', pattern: false, substitution: false }]
        : reading.argv;
      queue.push(argvRead);
      if (continues && readings.length === 1 && reading.transparent) {
        chain = argvRead;
        stripped = chain;
      }
    }
  }
  return stripped ? { stripped, unsafe } : { unsafe };
}

/** What the rule compiler needs from a specifier's command. */
export interface SpecifierCommand {
  /** As `parseShellCommand` would read it (for exact rules, to decide what they cover). */
  parsed: ParsedShellCommand;
  /** Some redirection writes to a file. */
  writes: boolean;
  /** Some word holds `$(…)` or backticks. */
  substitution: boolean;
}

/**
 * Reads a specifier's command (without `:*`). Throws SpecifierSyntaxError for what it does not read.
 *
 * @example
 * readSpecifierCommand('git commit -m "wip"').parsed.segments[0].texts; // ['git commit -m wip']
 */
export function readSpecifierCommand(source: string): SpecifierCommand {
  const reader = new SpecifierReader(source);
  reader.read();
  let writes = false;
  let substitution = false;
  const segments: ShellSegment[] = reader.segments.map((segment) => {
    if (segment.writes) writes = true;
    if (segment.substitution) substitution = true;
    const prefix = segment.assignments.join(' ');
    const view = allowView(segment.words);
    const join = (words: ShellWord[]) =>
      [prefix, ...words.map(renderWord)].filter((part) => part !== '').join(' ');
    const texts = [renderSegment(segment, false)];
    if (view.stripped) texts.push(join(view.stripped));
    const unsafe = segment.writes || segment.substitution || view.unsafe;
    return { texts, redirects: segment.redirects.join(' '), unsafe };
  });
  return {
    parsed: { normalized: reader.rendered.join(' '), segments, denyTexts: [], complete: true },
    writes,
    substitution,
  };
}
