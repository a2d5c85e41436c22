/**
 * Reads a Bash command line through tree-sitter's Bash grammar into what Bash rules are matched against:
 * every simple command it runs (in pipelines, lists, subshells, functions, substitutions, and the scripts
 * of `bash -c` and `eval`), each with its words as the program receives them and the programs its
 * wrappers run (`sudo rm` runs rm, `/bin/rm` is rm).
 */
import { parseShellSyntax, type ShellSyntaxNode } from './shell-parser.js';
import {
  programName,
  readWord,
  renderAssignment,
  renderRedirect,
  renderWord,
  type ShellWord,
  unknownWord,
} from './shell-words.js';
import { unwrap } from './shell-wrappers.js';

/** One simple command of the line, as allow rules see it. */
export interface ShellSegment {
  /**
   * The command's canonical text (assignments, program as written, arguments; quotes and escapes
   * resolved, words with spaces in single quotes), then, when it starts with process wrappers Claude
   * Code looks through (timeout, time, nice, nohup, stdbuf, xargs without options), the text without them.
   */
  texts: string[];
  /** Its redirections, rendered ('' when none): an exact rule must name them too. */
  redirects: string;
  /**
   * Prefix and wildcard rules never allow it: it has a command or process substitution, an output
   * redirection to a file other than /dev/null, a program that cannot be determined, or it runs a
   * command through find -exec, watch, setsid, ionice or flock.
   */
  unsafe: boolean;
}

export interface ParsedShellCommand {
  /** The whole line in canonical form, for exact rules naming a whole chained command. */
  normalized: string;
  /** The commands the line runs at its top level (not inside substitutions or `bash -c` scripts). */
  segments: ShellSegment[];
  /**
   * Every command text a deny rule looks at: each command at every wrapper layer (`sudo rm x` and
   * `rm x`), with its program as written and by name (`/bin/rm x` and `rm x`), inside substitutions,
   * functions and the scripts of `bash -c`, `eval` and the like.
   */
  denyTexts: string[];
  /** False when the grammar could not read the whole line (an unclosed quote, a syntax error). */
  complete: boolean;
  /** Why the program of some command cannot be determined (`$X rm`, `eval "$CMD"`); absent when all are known. */
  undetermined?: string;
}

export interface ParseShellOptions {
  /**
   * Read the line as a rule's specifier: `*` is the rule's wildcard, not a shell pattern, and wrappers
   * are not looked through.
   */
  specifier?: boolean;
}

/** Scripts inside scripts (`bash -c "eval '…'"`) are read this deep; deeper is undetermined. */
const MAX_SCRIPT_DEPTH = 6;
/** Wrapper layers read per command line, nested scripts included; more is undetermined. */
const MAX_LAYERS = 64;

const STATEMENTS = new Set([
  'command',
  'redirected_statement',
  'list',
  'pipeline',
  'subshell',
  'compound_statement',
  'if_statement',
  'for_statement',
  'c_style_for_statement',
  'while_statement',
  'case_statement',
  'function_definition',
  'declaration_command',
  'unset_command',
  'test_command',
  'negated_command',
  'variable_assignment',
  'variable_assignments',
]);
/** Statements that run as one simple command, with their own text as a segment. */
const BUILTIN_STATEMENTS = new Set([
  'declaration_command',
  'unset_command',
  'test_command',
  'variable_assignment',
  'variable_assignments',
]);

interface Context {
  /** Inside a command or process substitution: deny rules look at it, allow rules look at its container. */
  nested: boolean;
  /** An enclosing redirection makes every command inside unsafe. */
  unsafe: boolean;
  /** The rendered redirections of the enclosing redirected statement, when its body is this command. */
  redirects: string;
}

const TOP: Context = { nested: false, unsafe: false, redirects: '' };

/** Shared by a line and the scripts inside it. */
interface Budget {
  layers: number;
}

class ShellReader {
  readonly segments: ShellSegment[] = [];
  readonly denyTexts = new Set<string>();
  complete = true;
  undetermined: string | undefined;
  /** False when the source has no `$(`, backtick, `<(` or `>(`: no node can hold a substitution. */
  readonly substitutions: boolean;

  constructor(
    readonly source: string,
    readonly options: ParseShellOptions,
    readonly depth: number,
    readonly budget: Budget,
  ) {
    this.substitutions = /\$\(|`|[<>]\(/.test(source);
  }

  markUndetermined(reason: string): void {
    this.undetermined ??= reason;
  }

  /** Reads a node and returns its canonical rendering. */
  visit(node: ShellSyntaxNode, context: Context): string {
    const { type } = node;
    if (type === 'command') return this.command(node, context);
    if (BUILTIN_STATEMENTS.has(type)) return this.builtin(node, context);
    switch (type) {
      case 'redirected_statement':
        return this.redirected(node, context);
      case 'command_substitution':
      case 'process_substitution':
        this.checkBackquotes(node);
        return this.children(node, { ...context, nested: true });
      case 'comment':
        return '';
      case 'ERROR':
        this.complete = false;
        return this.children(node, context);
      default:
        return node.childCount === 0 ? node.text : this.children(node, context);
    }
  }

  /** Renders the children of a node, with `;` between statements the source separated by a newline. */
  children(node: ShellSyntaxNode, context: Context): string {
    let text = '';
    let previousStatement = false;
    for (const child of node.children) {
      const rendered = this.visit(child, context);
      const statement = STATEMENTS.has(child.type);
      if (statement && previousStatement) text += ' ;';
      previousStatement = statement;
      if (rendered !== '') text += text === '' ? rendered : ` ${rendered}`;
    }
    return text;
  }

  /**
   * The shell ends a backquoted substitution at the first backquote not escaped by a backslash.
   * tree-sitter-bash reads an empty pair split by a line break as one token, so it reads
   * `` `a`\n`b` c `` as a single substitution where the shell runs two commands: such a line is not
   * read as the shell reads it.
   */
  checkBackquotes(node: ShellSyntaxNode): void {
    const { text } = node;
    if (!text.startsWith('`')) return;
    if (/(^|[^\\])(\\\\)*`/.test(text.slice(1, -1))) this.complete = false;
  }

  /** Substitutions anywhere inside a node (words, assignments, redirections, heredocs) are read nested. */
  inside(node: ShellSyntaxNode): void {
    if (!this.substitutions) return;
    if (node.type === 'command_substitution' || node.type === 'process_substitution') {
      this.checkBackquotes(node);
      this.children(node, { nested: true, unsafe: false, redirects: '' });
    } else if (node.childCount > 0) {
      for (const child of node.children) this.inside(child);
    }
  }

  redirected(node: ShellSyntaxNode, context: Context): string {
    const body = node.childForFieldName('body');
    const redirects: string[] = [];
    let unsafe = false;
    for (let index = 0; index < node.childCount; index++) {
      const child = node.child(index)!;
      if (child.type === 'ERROR') this.complete = false;
      if (node.fieldNameForChild(index) !== 'redirect') continue;
      const redirect = renderRedirect(child);
      redirects.push(redirect.text);
      if (redirect.unsafe) unsafe = true;
      this.inside(child);
    }
    const rendered = redirects.join(' ');
    const inner = body ? this.redirectedBody(body, context, rendered, unsafe) : '';
    return inner === '' ? rendered : `${inner} ${rendered}`;
  }

  /**
   * The grammar hangs `a | b > f` and `a && b > f` on the whole pipeline or list, but the shell gives
   * the redirections to the last command only; a compound statement (`{ a; b; } > f`) gives them to all.
   */
  redirectedBody(body: ShellSyntaxNode, context: Context, redirects: string, unsafe: boolean): string {
    if (body.type === 'command' || BUILTIN_STATEMENTS.has(body.type)) {
      return this.visit(body, { ...context, unsafe: context.unsafe || unsafe, redirects });
    }
    if (body.type === 'pipeline' || body.type === 'list') {
      const last = body.lastNamedChild;
      let text = '';
      for (const child of body.children) {
        const rendered = child.equals(last!)
          ? this.redirectedBody(child, context, redirects, unsafe)
          : this.visit(child, context);
        if (rendered !== '') text += text === '' ? rendered : ` ${rendered}`;
      }
      return text;
    }
    return this.visit(body, { ...context, unsafe: context.unsafe || unsafe, redirects: '' });
  }

  /** `export X=1`, `[[ -f x ]]`, `X=1`: one segment with its own text. */
  builtin(node: ShellSyntaxNode, context: Context): string {
    let text: string;
    if (node.type === 'variable_assignment') {
      this.checkAssignment(node);
      text = renderAssignment(node);
      this.inside(node);
    } else if (node.type === 'variable_assignments') {
      for (const assignment of node.namedChildren) this.checkAssignment(assignment);
      text = node.namedChildren.map(renderAssignment).join(' ');
      this.inside(node);
    } else if (node.type === 'declaration_command' || node.type === 'unset_command') {
      // `export A="x y" $B`: the keyword, then assignments and words rendered as a command's are.
      text = node.children
        .map((child) => {
          if (!child.isNamed) return child.text;
          if (child.type === 'variable_assignment') return renderAssignment(child);
          return renderWord(readWord(child));
        })
        .join(' ');
      this.inside(node);
    } else {
      text = this.children(node, { ...context, nested: true });
    }
    this.denyTexts.add(text);
    if (!context.nested) {
      const unsafe = context.unsafe || (this.substitutions && containsSubstitution(node));
      this.segments.push({ texts: [text], redirects: context.redirects, unsafe });
    }
    return text;
  }

  /** tree-sitter-bash also reads `--flag=1` as an assignment to a variable named --flag. */
  checkAssignment(node: ShellSyntaxNode): void {
    const name = node.childForFieldName('name')?.text ?? '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\[.*\])?$/s.test(name)) this.complete = false;
  }

  command(node: ShellSyntaxNode, context: Context): string {
    const assignments: string[] = [];
    const argv: ShellWord[] = [];
    const ownRedirects: string[] = [];
    let unsafe = context.unsafe;
    let previousEnd = node.startIndex;
    for (let index = 0; index < node.childCount; index++) {
      const child = node.child(index)!;
      const field = node.fieldNameForChild(index);
      // tree-sitter-bash sometimes runs a command on past a line break (after `X=1 > f`), which the
      // shell never does: such a line is not read as the shell reads it.
      if (/(^|[^\\])\n/.test(this.source.slice(previousEnd, child.startIndex))) this.complete = false;
      previousEnd = child.endIndex;
      if (field === 'name' || field === 'argument') {
        const word = readWord(child.type === 'command_name' ? child.child(0)! : child);
        if (word.substitution) unsafe = true;
        if (word.misread) this.complete = false;
        argv.push(word);
      } else if (field === 'redirect') {
        const redirect = renderRedirect(child);
        ownRedirects.push(redirect.text);
        if (redirect.unsafe) unsafe = true;
      } else if (child.type === 'variable_assignment') {
        this.checkAssignment(child);
        assignments.push(renderAssignment(child));
        if (this.substitutions && containsSubstitution(child)) unsafe = true;
      } else if (child.type === 'ERROR') {
        this.complete = false;
      } else if (child.type !== 'comment') {
        // Syntax the grammar accepts inside a command but the shell rejects (`echo (x)`).
        argv.push({
          value: null,
          raw: child.text,
          pattern: false,
          substitution: containsSubstitution(child),
        });
        this.complete = false;
        unsafe = true;
      }
      this.inside(child);
    }
    const prefix = assignments.join(' ');
    const written = joinText(prefix, renderWords(argv));
    const texts = [written];
    if (this.options.specifier) {
      this.denyTexts.add(written);
    } else {
      const layers = this.layers(argv, prefix);
      if (layers.unsafe) unsafe = true;
      if (layers.stripped) texts.push(layers.stripped);
    }
    const redirects = joinText(context.redirects, ownRedirects.join(' '));
    if (!context.nested) this.segments.push({ texts, redirects, unsafe });
    return joinText(written, ownRedirects.join(' '));
  }

  /**
   * Adds every wrapper layer of a command to the deny texts and reads the scripts its wrappers run.
   * `stripped`: the text without leading process wrappers, for allow rules.
   */
  layers(argv: ShellWord[], prefix: string): { unsafe: boolean; stripped?: string } {
    let unsafe = false;
    let stripped: ShellWord[] | undefined;
    let chain: ShellWord[] | undefined = argv;
    const queue: ShellWord[][] = [argv];
    this.denyTexts.add(joinText(prefix, renderWords(argv)));
    for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
      if (++this.budget.layers > MAX_LAYERS) {
        this.markUndetermined('the command nests more wrappers than are read');
        return { unsafe: true };
      }
      const program = next[0];
      if (program === undefined) continue;
      this.addDenyTexts(next);
      if (program.value === null) {
        this.markUndetermined(`the program "${program.raw}" is only known when the command runs`);
        unsafe = true;
        continue;
      }
      if (program.pattern) {
        this.markUndetermined(`the program "${program.raw}" is a pattern the shell expands`);
        unsafe = true;
        continue;
      }
      const readings = unwrap(next);
      const continues = next === chain;
      chain = undefined;
      for (const reading of readings) {
        if (reading.exec) unsafe = true;
        if (reading.script && !this.script(reading.script)) unsafe = true;
        if (!reading.argv) continue;
        // Words read from the input may be none, so the command as written is read too.
        const withInput = reading.input ? [...reading.argv, unknownWord('<words from input>')] : undefined;
        queue.push(reading.argv);
        if (withInput) queue.push(withInput);
        // Allow rules look through a chain of process wrappers that reads only one way.
        if (continues && readings.length === 1 && reading.transparent) {
          chain = withInput ?? reading.argv;
          stripped = chain;
        }
      }
    }
    return stripped ? { unsafe, stripped: joinText(prefix, renderWords(stripped)) } : { unsafe };
  }

  addDenyTexts(argv: ShellWord[]): void {
    const text = renderWords(argv);
    this.denyTexts.add(text);
    const program = argv[0]!.value;
    if (program === null || !program.includes('/')) return;
    this.denyTexts.add(renderWords([{ ...argv[0]!, value: programName(program) }, ...argv.slice(1)]));
  }

  /** A command line a wrapper hands to a shell: read it too, for deny rules. False when it is undetermined. */
  script(word: ShellWord): boolean {
    if (word.value === null) {
      this.markUndetermined(`the shell runs "${word.raw}", which is only known when the command runs`);
      return false;
    }
    if (this.depth >= MAX_SCRIPT_DEPTH) {
      this.markUndetermined('scripts are nested deeper than are read');
      return false;
    }
    const inner = readShellCommand(word.value, this.options, this.depth + 1, this.budget);
    for (const text of inner.denyTexts) this.denyTexts.add(text);
    if (inner.undetermined) this.markUndetermined(inner.undetermined);
    else if (!inner.complete) this.markUndetermined(`the script "${word.value}" does not parse`);
    return inner.undetermined === undefined && inner.complete;
  }
}

function joinText(first: string, second: string): string {
  if (first === '') return second;
  return second === '' ? first : `${first} ${second}`;
}

function renderWords(words: readonly ShellWord[]): string {
  return words.map(renderWord).join(' ');
}

function containsSubstitution(node: ShellSyntaxNode): boolean {
  if (node.type === 'command_substitution' || node.type === 'process_substitution') return true;
  for (const child of node.children) if (containsSubstitution(child)) return true;
  return false;
}

function readShellCommand(
  source: string,
  options: ParseShellOptions,
  depth: number,
  budget: Budget,
): ParsedShellCommand {
  return parseShellSyntax(source, (root) => {
    const reader = new ShellReader(source, options, depth, budget);
    const normalized = reader.visit(root, TOP);
    const parsed: ParsedShellCommand = {
      normalized,
      segments: reader.segments,
      denyTexts: [...reader.denyTexts],
      complete: reader.complete && !root.hasError,
    };
    if (reader.undetermined !== undefined) parsed.undetermined = reader.undetermined;
    return parsed;
  });
}

/**
 * Reads one Bash command line. Unlike a tokenizer it knows what the shell does with quotes, escapes,
 * substitutions and wrappers; what it cannot know (a program held in a variable) it reports in
 * `undetermined`, and deny rules then hold.
 *
 * @example
 * parseShellCommand('FOO=1 "/bin/rm" -rf "$HOME" && echo ok').denyTexts;
 * // ['FOO=1 /bin/rm -rf "$HOME"', '/bin/rm -rf "$HOME"', 'rm -rf "$HOME"', 'echo ok']
 */
export function parseShellCommand(command: string, options: ParseShellOptions = {}): ParsedShellCommand {
  return readShellCommand(command, options, 0, { layers: 0 });
}
