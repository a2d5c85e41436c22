/**
 * Programs that run another program named in their arguments (`sudo rm`, `timeout 5 rm`, `bash -c 'rm'`,
 * `find -exec rm`): what each one runs, read from its options the way the program itself reads them.
 */
import { programName, type ShellWord, unknownWord } from './shell-words.js';

/** One way a wrapper's arguments can be read. */
export interface WrapperReading {
  /** The words of the command it runs. */
  argv?: ShellWord[];
  /** A command line it hands to a shell (`bash -c`, `eval`, `su -c`, `trap`, `watch`, `env -S`, `alias`). */
  script?: ShellWord;
  /** `argv` is followed by words read from the input (xargs), which may be none. */
  input?: boolean;
  /** Claude Code's process wrappers (timeout, time, nice, nohup, stdbuf, xargs without options): allow rules look through them. */
  transparent?: boolean;
  /** Runs a command in a way no prefix rule may allow (find -exec/-delete, watch, setsid, ionice, flock). */
  exec?: boolean;
}

interface OptionSpec {
  /** Short options that take a value, attached (`-n5`) or as the next word. */
  shortValue?: string;
  /** Short options whose value is optional and only ever attached (`xargs -i{}`). */
  shortAttached?: string;
  /** Short options without a value. */
  shortFlags?: string;
  /** Long options that take a value (`--signal=KILL` or `--signal KILL`). */
  longValue?: readonly string[];
  longFlags?: readonly string[];
  /** `-10` is an option (nice). */
  numeric?: boolean;
  /** `+o name` style options (shells). */
  plus?: boolean;
}

interface ParsedOptions {
  /** Index of the first word that is not an option. */
  index: number;
  /** Options seen, by letter or long name, with their value when they took one. */
  options: Map<string, ShellWord | true>;
}

/** Readings are cut at this many per wrapper: unknown options branch. */
const MAX_READINGS = 8;

/**
 * Reads options from `args[start]` on. An option we do not know may or may not take a value, so it
 * yields both readings: a program hidden as the value of an unknown option is still found.
 */
function parseOptions(args: readonly ShellWord[], spec: OptionSpec, start = 0): ParsedOptions[] {
  const read = (index: number, options: Map<string, ShellWord | true>): ParsedOptions[] => {
    const word = args[index];
    const text = word?.value;
    if (word === undefined || text === null || text === undefined || text === '-' || text.length < 2) {
      return [{ index, options }];
    }
    if (text === '--') return [{ index: index + 1, options }];
    if (text[0] !== '-' && !(spec.plus === true && text[0] === '+')) return [{ index, options }];
    const next = (taken: number, key: string, value: ShellWord | true) =>
      read(index + taken, new Map(options).set(key, value));
    if (text.startsWith('--')) {
      const equals = text.indexOf('=');
      const name = text.slice(2, equals < 0 ? undefined : equals);
      if (equals >= 0) return next(1, name, { ...word, value: text.slice(equals + 1) });
      if (spec.longValue?.includes(name)) return next(2, name, args[index + 1] ?? true);
      if (spec.longFlags?.includes(name)) return next(1, name, true);
      return [...next(1, name, true), ...next(2, name, args[index + 1] ?? true)];
    }
    if (spec.numeric && /^-\d+$/.test(text)) return next(1, 'numeric', true);
    const seen = new Map(options);
    for (let position = 1; position < text.length; position++) {
      const letter = text[position]!;
      const rest = text.slice(position + 1);
      const last = position === text.length - 1;
      if (spec.shortValue?.includes(letter)) {
        if (!last) return read(index + 1, seen.set(letter, { ...word, value: rest }));
        return read(index + 2, seen.set(letter, args[index + 1] ?? true));
      }
      if (spec.shortAttached?.includes(letter)) {
        return read(index + 1, seen.set(letter, last ? true : { ...word, value: rest }));
      }
      if (spec.shortFlags?.includes(letter)) {
        seen.set(letter, true);
        continue;
      }
      // Unknown: a flag, or an option whose value is the rest of this word or the next word.
      if (!last) return read(index + 1, seen.set(letter, { ...word, value: rest }));
      return [
        ...read(index + 1, new Map(seen).set(letter, true)),
        ...read(index + 2, new Map(seen).set(letter, args[index + 1] ?? true)),
      ];
    }
    return read(index + 1, seen);
  };
  return read(start, new Map()).slice(0, MAX_READINGS);
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Skips `NAME=value` words (env, sudo). */
function skipAssignments(args: readonly ShellWord[], index: number): number {
  let cursor = index;
  while (args[cursor]?.value !== null && ASSIGNMENT.test(args[cursor]?.value ?? '')) cursor++;
  return cursor;
}

/** The command that starts at `index` after the options, for each reading of the options. */
function commandAfter(
  args: readonly ShellWord[],
  spec: OptionSpec,
  extra: Partial<WrapperReading> = {},
  positionals = 0,
): WrapperReading[] {
  return parseOptions(args, spec).map(({ index }) => ({ argv: args.slice(index + positionals), ...extra }));
}

const SHELL_OPTIONS: OptionSpec = {
  shortValue: 'oO',
  shortFlags: 'abcefhiklmnprstuvxBCEHPT',
  longValue: ['rcfile', 'init-file'],
  longFlags: ['login', 'norc', 'noprofile', 'posix', 'noediting', 'restricted', 'verbose', 'debugger'],
  plus: true,
};

/** `bash -c 'script' [name args…]`; without -c the shell runs a script file or its input. */
function shell(args: readonly ShellWord[]): WrapperReading[] {
  return parseOptions(args, SHELL_OPTIONS).flatMap(({ index, options }) => {
    if (!options.has('c')) return [];
    return [{ script: args[index] ?? unknownWord('<script from input>') }];
  });
}

/** xargs runs its command with words read from its input appended (or put in place of -I's string). */
function xargs(args: readonly ShellWord[]): WrapperReading[] {
  const spec: OptionSpec = {
    shortValue: 'ILnPsdEa',
    shortAttached: 'ile',
    shortFlags: '0rtpxo',
    longValue: ['arg-file', 'delimiter', 'max-args', 'max-procs', 'max-chars', 'process-slot-var'],
    longFlags: ['null', 'no-run-if-empty', 'verbose', 'interactive', 'exit', 'open-tty', 'show-limits'],
  };
  return parseOptions(args, spec).map(({ index, options }) => {
    const command = args.slice(index);
    const replace = options.get('I') ?? options.get('i') ?? options.get('replace');
    if (replace === undefined) {
      const argv = command.length === 0 ? [{ ...unknownWord('echo'), value: 'echo' }] : command;
      return { argv, input: true, transparent: index === 0 };
    }
    const marker = replace === true ? '{}' : replace.value;
    // The replace string stands for words from the input: those words are unknown.
    const argv = command.map((word) =>
      marker === null || word.value === null || word.value.includes(marker) ? unknownWord(word.raw) : word,
    );
    return { argv };
  });
}

/** find -exec/-execdir/-ok/-okdir run a command up to `;` or `+`, with `{}` standing for found paths. */
function find(args: readonly ShellWord[]): WrapperReading[] {
  const readings: WrapperReading[] = [];
  for (let index = 0; index < args.length; index++) {
    const text = args[index]!.value;
    if (text === '-delete') readings.push({ exec: true });
    if (text !== '-exec' && text !== '-execdir' && text !== '-ok' && text !== '-okdir') continue;
    let end = index + 1;
    while (end < args.length && args[end]!.value !== ';' && args[end]!.value !== '+') end++;
    const argv = args
      .slice(index + 1, end)
      .map((word) => (word.value === null || word.value.includes('{}') ? unknownWord(word.raw) : word));
    readings.push({ argv, exec: true });
    index = end;
  }
  return readings;
}

/** Words joined by spaces: what `eval` and `watch` hand to a shell. */
function joined(words: readonly ShellWord[]): ShellWord {
  const unknown = words.some((word) => word.value === null);
  return {
    value: unknown ? null : words.map((word) => word.value).join(' '),
    raw: words.map((word) => word.raw).join(' '),
    pattern: false,
    substitution: words.some((word) => word.substitution),
  };
}

type Wrapper = (args: readonly ShellWord[]) => WrapperReading[];

const WRAPPERS: Record<string, Wrapper> = {
  env: (args) =>
    parseOptions(args, {
      shortValue: 'uCSP',
      shortFlags: '0iv',
      longValue: ['unset', 'chdir', 'split-string'],
      longFlags: ['ignore-environment', 'null', 'debug'],
    }).flatMap(({ index, options }): WrapperReading[] => {
      const split = options.get('S') ?? options.get('split-string');
      if (split !== undefined && split !== true) {
        return [{ script: joined([split, ...args.slice(skipAssignments(args, index))]) }];
      }
      return [{ argv: args.slice(skipAssignments(args, index)) }];
    }),
  nice: (args) =>
    commandAfter(args, { shortValue: 'n', longValue: ['adjustment'], numeric: true }, { transparent: true }),
  nohup: (args) => commandAfter(args, {}, { transparent: true }),
  timeout: (args) =>
    commandAfter(
      args,
      {
        shortValue: 'sk',
        shortFlags: 'v',
        longValue: ['signal', 'kill-after'],
        longFlags: ['preserve-status', 'foreground', 'verbose'],
      },
      { transparent: true },
      1,
    ),
  time: (args) =>
    commandAfter(
      args,
      {
        shortValue: 'fo',
        shortFlags: 'pvaq',
        longValue: ['format', 'output'],
        longFlags: ['append', 'verbose', 'quiet', 'portability'],
      },
      { transparent: true },
    ),
  stdbuf: (args) =>
    commandAfter(args, { shortValue: 'ioe', longValue: ['input', 'output', 'error'] }, { transparent: true }),
  sudo: (args) =>
    parseOptions(args, {
      shortValue: 'ugCDhprtTUR',
      shortFlags: 'AbEHiKklnPSsVve',
      longValue: [
        'user',
        'group',
        'close-from',
        'chdir',
        'host',
        'prompt',
        'role',
        'type',
        'command-timeout',
        'other-user',
        'chroot',
      ],
      longFlags: [
        'askpass',
        'background',
        'preserve-env',
        'set-home',
        'login',
        'remove-timestamp',
        'reset-timestamp',
        'list',
        'non-interactive',
        'preserve-groups',
        'stdin',
        'shell',
        'version',
        'validate',
        'edit',
      ],
    }).flatMap(({ index, options }) =>
      ['e', 'edit', 'l', 'list', 'v', 'validate', 'V', 'version', 'K'].some((key) => options.has(key))
        ? []
        : [{ argv: args.slice(skipAssignments(args, index)) }],
    ),
  doas: (args) => commandAfter(args, { shortValue: 'uC', shortFlags: 'nsL' }),
  busybox: (args) =>
    args.length > 0 && args[0]!.value?.startsWith('-') !== true ? [{ argv: [...args] }] : [],
  command: (args) =>
    parseOptions(args, { shortFlags: 'pvV' }).flatMap(({ index, options }) =>
      options.has('v') || options.has('V') ? [] : [{ argv: args.slice(index) }],
    ),
  builtin: (args) => [{ argv: [...args] }],
  exec: (args) => commandAfter(args, { shortValue: 'a', shortFlags: 'cl' }),
  coproc: (args) => [{ argv: [...args] }],
  xargs,
  find,
  eval: (args) => {
    const words = args[0]?.value === '--' ? args.slice(1) : args;
    return words.length === 0 ? [] : [{ script: joined(words) }];
  },
  trap: (args) =>
    parseOptions(args, { shortFlags: 'lp' }).flatMap(({ index, options }) => {
      const action = args[index];
      if (options.has('l') || options.has('p') || action === undefined || args.length - index < 2) return [];
      if (action.value === '-' || (action.value !== null && /^\d+$/.test(action.value))) return [];
      return [{ script: action }];
    }),
  alias: (args) =>
    args.flatMap((word) => {
      const equals = word.value?.indexOf('=') ?? -1;
      if (word.value === null) return [{ script: word }];
      return equals > 0 ? [{ script: { ...word, value: word.value.slice(equals + 1) } }] : [];
    }),
  su: (args) =>
    parseOptions(args, {
      shortValue: 'cgGsw',
      shortFlags: 'lmpfP',
      longValue: ['command', 'session-command', 'group', 'supp-group', 'shell', 'whitelist-environment'],
      longFlags: ['login', 'preserve-environment', 'fast', 'pty'],
    }).flatMap(({ options }) => {
      const script = options.get('c') ?? options.get('command') ?? options.get('session-command');
      return script === undefined || script === true ? [] : [{ script }];
    }),
  watch: (args) =>
    parseOptions(args, {
      shortValue: 'nq',
      shortFlags: 'bcCdeEghprtwx',
      longValue: ['interval', 'equexit', 'differences'],
      longFlags: [
        'beep',
        'color',
        'no-color',
        'errexit',
        'chgexit',
        'precise',
        'no-title',
        'no-wrap',
        'exec',
        'no-rerun',
      ],
    }).map(({ index, options }) =>
      options.has('x') || options.has('exec')
        ? { argv: args.slice(index), exec: true }
        : { script: joined(args.slice(index)), exec: true },
    ),
  setsid: (args) =>
    commandAfter(args, { shortFlags: 'cfw', longFlags: ['ctty', 'fork', 'wait'] }, { exec: true }),
  ionice: (args) =>
    parseOptions(args, {
      shortValue: 'cnpPu',
      shortFlags: 'tx',
      longValue: ['class', 'classdata', 'pid', 'pgid', 'uid'],
      longFlags: ['ignore'],
    }).flatMap(({ index, options }) =>
      options.has('p') || options.has('P') || options.has('u')
        ? []
        : [{ argv: args.slice(index), exec: true }],
    ),
  flock: (args) =>
    parseOptions(args, {
      shortValue: 'wEc',
      shortFlags: 'sxunoFeh',
      longValue: ['timeout', 'wait', 'conflict-exit-code', 'command'],
      longFlags: ['shared', 'exclusive', 'unlock', 'nonblock', 'close', 'no-fork', 'verbose'],
    }).flatMap(({ index, options }): WrapperReading[] => {
      const script = options.get('c') ?? options.get('command');
      if (script !== undefined && script !== true) return [{ script, exec: true }];
      return args.length > index + 1 ? [{ argv: args.slice(index + 1), exec: true }] : [];
    }),
  chroot: (args) =>
    commandAfter(args, { longValue: ['userspec', 'groups'], longFlags: ['skip-chdir'] }, {}, 1),
};

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'ash', 'mksh', 'yash', 'fish', 'rbash']);

/**
 * What a command runs through its program, when its program is a wrapper: none for an ordinary program,
 * several readings when the wrapper's options can be read more than one way.
 *
 * @example
 * unwrap(words('sudo -u bob rm x')); // [{ argv: words('rm x') }]
 */
export function unwrap(argv: readonly ShellWord[]): WrapperReading[] {
  const program = argv[0]?.value;
  if (program === null || program === undefined) return [];
  const name = programName(program);
  const args = argv.slice(1);
  if (SHELLS.has(name)) return shell(args);
  if (name === '.' || name === 'source') return [];
  const wrapper = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
  return wrapper ? wrapper(args).slice(0, MAX_READINGS) : [];
}
