/** Reads shell words, assignments and redirections from their syntax nodes as the shell would: quotes and escapes removed, expansions noted. */
import type { ShellSyntaxNode } from './shell-parser.js';

/** One word of a command after quote removal, or what is known of it when it expands at run time. */
export interface ShellWord {
  /** The word as the program receives it; null when it holds an expansion whose value is only known at run time. */
  value: string | null;
  /** The source text, for rendering a word whose value is unknown. */
  raw: string;
  /** Unquoted `*`, `?`, `[` or a brace expansion: the shell may turn it into other words. */
  pattern: boolean;
  /** Holds a command or process substitution. */
  substitution: boolean;
  /**
   * The grammar put a line break inside an unquoted word, which the shell never does (tree-sitter-bash
   * reads `true` + newline + `\rm x` as one command): the line is not read as the shell reads it.
   */
  misread?: boolean;
}

const SUBSTITUTIONS = new Set(['command_substitution', 'process_substitution']);

/** Reads a word node: word, string, raw_string, ansi_c_string, concatenation, number, expansions. */
export function readWord(node: ShellSyntaxNode): ShellWord {
  const word: ShellWord = { value: '', raw: node.text, pattern: false, substitution: false };
  appendWord(word, node);
  return word;
}

/** A word made by a wrapper, such as the arguments xargs reads from its input. */
export function unknownWord(raw: string): ShellWord {
  return { value: null, raw, pattern: false, substitution: false };
}

function append(word: ShellWord, text: string | null): void {
  word.value = word.value === null || text === null ? null : word.value + text;
}

function appendWord(word: ShellWord, node: ShellSyntaxNode): void {
  switch (node.type) {
    case 'word':
    case 'number': {
      const text = node.text;
      if (hasUnquotedPattern(text)) word.pattern = true;
      if (/(^|[^\\])\n/.test(text)) word.misread = true;
      append(word, unescapeUnquoted(text));
      return;
    }
    case 'raw_string':
      append(word, node.text.slice(1, -1));
      return;
    case 'ansi_c_string':
      append(word, decodeAnsiC(node.text.slice(2, -1)));
      return;
    case 'string':
    case 'translated_string':
      for (const child of node.children) {
        if (child.type === '"') continue;
        if (child.type === '$') {
          if (node.type === 'string') append(word, '$'); // a lone $ inside "…" is literal
        } else if (child.type === 'string_content') append(word, unescapeDoubleQuoted(child.text));
        else appendExpansion(word, child);
      }
      return;
    case 'concatenation':
      for (const child of node.children) appendWord(word, child);
      return;
    case 'brace_expression':
    case 'extglob_pattern':
      word.pattern = true;
      append(word, node.text);
      return;
    default:
      appendExpansion(word, node);
  }
}

/** Anything else in a word expands at run time (or is syntax we do not read): its value is unknown. */
function appendExpansion(word: ShellWord, node: ShellSyntaxNode): void {
  append(word, null);
  if (!word.substitution && containsSubstitution(node)) word.substitution = true;
}

function containsSubstitution(node: ShellSyntaxNode): boolean {
  if (SUBSTITUTIONS.has(node.type)) return true;
  return node.children.some(containsSubstitution);
}

/** Unquoted text: `\x` is x, an escaped newline disappears. */
function unescapeUnquoted(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(\n|[\s\S])?/g, (_match, next: string | undefined) =>
    next === undefined || next === '\n' ? '' : next,
  );
}

/** @internal Inside "…" a backslash escapes only $ ` " \ and newline. */
export function unescapeDoubleQuoted(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\([$`"\\\n])/g, (_match, next: string) => (next === '\n' ? '' : next));
}

/** True when unquoted text has a glob character or a brace the shell may expand (escapes aside). */
function hasUnquotedPattern(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === '*' || char === '?' || char === '[' || char === '{') return true;
  }
  return false;
}

const ANSI_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** @internal Decodes the body of `$'…'`: \n, \xHH, \NNN (octal), \uHHHH, \UHHHHHHHH, \cX. */
export function decodeAnsiC(body: string): string {
  return body.replace(
    /\\(x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|[0-7]{1,3}|c.|[\s\S])/g,
    (match, sequence: string) => {
      const kind = sequence[0]!;
      if (kind === 'x' || kind === 'u' || kind === 'U') {
        const code = Number.parseInt(sequence.slice(1), 16);
        return code <= 0x10ffff ? String.fromCodePoint(code) : match;
      }
      if (/[0-7]/.test(kind)) return String.fromCharCode(Number.parseInt(sequence, 8) & 0xff);
      if (kind === 'c') return String.fromCharCode(sequence.charCodeAt(1) & 0x1f);
      return ANSI_ESCAPES[kind] ?? match;
    },
  );
}

/**
 * The canonical text of a word for matching: its value, in single quotes when it is empty or holds
 * whitespace, quotes, backslashes or shell operators (so that `'a b'` stays one word and `'&&'` is no
 * operator); the source text when it is unknown.
 */
export function renderWord(word: ShellWord): string {
  const { value } = word;
  if (value === null) return word.raw.replace(/\s+/g, ' ');
  if (value !== '' && !/[\s'"\\|&;<>()$`]/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The program name a path runs: `/usr/bin/rm` → `rm`. */
export function programName(value: string): string {
  const slash = value.lastIndexOf('/');
  return slash < 0 || slash === value.length - 1 ? value : value.slice(slash + 1);
}

const OUTPUT_OPERATORS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

/** `NAME=value`, rendered as a command's words are. */
export function renderAssignment(node: ShellSyntaxNode): string {
  const name = node.childForFieldName('name')?.text ?? '';
  const value = node.childForFieldName('value');
  const operator = node.children.find((child) => child.type === '=' || child.type === '+=')?.type ?? '=';
  return `${name}${operator}${value ? renderWord(readWord(value)) : ''}`;
}

/** A redirection, rendered, and whether it writes to a file (other than /dev/null or a descriptor). */
export function renderRedirect(node: ShellSyntaxNode): { text: string; unsafe: boolean } {
  if (node.type !== 'file_redirect') return { text: node.text.replace(/\s+/g, ' '), unsafe: false };
  let descriptor = '';
  let operator = '';
  const targets: ShellWord[] = [];
  for (let index = 0; index < node.childCount; index++) {
    const child = node.child(index)!;
    const field = node.fieldNameForChild(index);
    if (field === 'descriptor') descriptor = child.text;
    else if (field === 'destination') targets.push(readWord(child));
    else if (child.childCount === 0 && !child.isNamed) operator += child.type;
  }
  const text = `${descriptor}${operator}${targets.map(renderWord).join(' ')}`;
  return { text, unsafe: redirectWrites(operator, targets[0]) };
}

/**
 * @internal Whether a redirection writes to a file: any output operator, except to /dev/null or to a
 * descriptor (`2>&1`, `>&-`); reading (`<`, `<&`) never does.
 */
export function redirectWrites(operator: string, target: ShellWord | undefined): boolean {
  if (operator === '<' || operator === '<&') return false;
  const value = target?.value;
  if (operator === '>&' || operator === '<&-' || operator === '>&-') {
    return !(value !== null && value !== undefined && /^(\d+|-)$/.test(value));
  }
  return OUTPUT_OPERATORS.has(operator) ? value !== '/dev/null' : true;
}
