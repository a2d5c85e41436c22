/** Parsed Bash command lines kept by text, one cache per permission table. */
import { type ParsedShellCommand, parseShellCommand } from './shell-command.js';

/**
 * The last commands parsed, by text: agents repeat commands (`git status`, `npm test`), and a parse
 * costs tens of microseconds where a look-up costs well under one. One cache per permission table, so
 * that what one agent ran never changes another's timings. The oldest entry goes first (a hit does not
 * reorder the map: that churn cost more than the occasional second parse of a busy command).
 */
export class ShellCommandCache {
  readonly #entries = new Map<string, ParsedShellCommand>();

  /** `capacity`: entries kept; `maxLength`: longer commands are parsed every time, not kept. */
  constructor(
    readonly capacity = 512,
    readonly maxLength = 4096,
  ) {}

  /** The parsed command, from the cache when it was parsed recently. The result must not be changed. */
  parse(command: string): ParsedShellCommand {
    const cached = this.#entries.get(command);
    if (cached) return cached;
    const parsed = parseShellCommand(command);
    if (command.length > this.maxLength) return parsed;
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(command, parsed);
    return parsed;
  }
}
