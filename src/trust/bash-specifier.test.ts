// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are shell words, whose ${…} the shell expands
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSpecifierCommand, SpecifierSyntaxError } from './bash-specifier.js';
import { parseShellCommand } from './shell-command.js';
import { loadShellParser } from './shell-parser.js';

beforeAll(() => loadShellParser());

const words = [
  'git',
  'npm',
  'run',
  'test',
  '-la',
  'x.txt',
  'a/b',
  '--flag=1',
  '*',
  'a*b',
  '"a b"',
  "'c  d'",
  '"$HOME"',
  '$HOME',
  '${X}',
  'a\\ b',
  "$'x\\ty'",
  '"q\\"r"',
  'r""m',
  "'it'\\''s'",
  '"&&"',
  "';'",
  '$(date)',
  '`id`',
  '"a $(id) b"',
  'export',
  'A=1',
  'A="x y"',
];
const assignments = ['FOO=1', 'FOO="a b"', 'FOO=$X', 'FOO=', 'PGPASSWORD=*'];
const redirects = ['> out', '2>&1', '>/dev/null', '< in', '>> log', '2> err.txt', '&> all'];
const operators = [' && ', ' || ', '; ', ' | ', ' & ', '\n'];

const command = fc
  .record({
    assignment: fc.option(fc.constantFrom(...assignments)),
    words: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 5 }),
    redirect: fc.option(fc.constantFrom(...redirects)),
  })
  .map(({ assignment, words, redirect }) =>
    [assignment, ...words, redirect].filter((part) => part).join(' '),
  );

const line = fc
  .array(fc.tuple(command, fc.constantFrom(...operators)), { minLength: 1, maxLength: 3 })
  .map((parts) =>
    parts
      .map(([text, operator], index) => (index === parts.length - 1 ? text : `${text}${operator}`))
      .join(''),
  );

describe('readSpecifierCommand', () => {
  it('renders a specifier as the shell grammar renders the same text (fast-check)', () => {
    fc.assert(
      fc.property(line, (source) => {
        const grammar = parseShellCommand(source, { specifier: true });
        if (!grammar.complete) return true;
        let read: ReturnType<typeof readSpecifierCommand>['parsed'];
        try {
          read = readSpecifierCommand(source).parsed;
        } catch (error) {
          // Refusing a rule is safe (the config is rejected); what is read must be read alike.
          if (error instanceof SpecifierSyntaxError) return true;
          throw error;
        }
        expect(read.normalized, source).toBe(grammar.normalized);
        expect(
          read.segments.map((segment) => [segment.texts[0], segment.redirects]),
          source,
        ).toEqual(grammar.segments.map((segment) => [segment.texts[0], segment.redirects]));
        return true;
      }),
      // Found by a CI run: the grammar reads two backquoted words split by a line break as one.
      { numRuns: 2_000, examples: [['`id`\n`id` git && git']] },
    );
  });

  it('reads quotes and escapes as the shell does', () => {
    expect(readSpecifierCommand('git commit -m "wip"').parsed.segments[0]!.texts).toEqual([
      'git commit -m wip',
    ]);
    expect(readSpecifierCommand("\\rm 'a b'").parsed.segments[0]!.texts).toEqual(["rm 'a b'"]);
    expect(readSpecifierCommand('timeout 5 npm test').parsed.segments[0]!.texts).toEqual([
      'timeout 5 npm test',
      'npm test',
    ]);
  });

  it.each([
    ['echo "x', 'an unclosed quote'],
    ['(cd x)', 'parentheses'],
    ['if true', 'shell syntax'],
    ['cat <<EOF', 'here-documents'],
    ['a &&', 'ends with'],
    ['&& a', 'no command before it'],
    ['echo # note', 'comment'],
    ['echo $(date', 'unclosed $('],
    ['export A=1', 'export'],
  ])('rejects %j (%s)', (source, reason) => {
    expect(() => readSpecifierCommand(source)).toThrow(SpecifierSyntaxError);
    expect(() => readSpecifierCommand(source)).toThrow(reason);
  });
});
