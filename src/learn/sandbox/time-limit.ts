/**
 * A call's time limit counted in the CPU time of the sandbox's thread, so a handler is not failed for
 * the time a loaded host kept its thread waiting (on 2 busy cores, 100 ms of wall-clock time was not
 * enough for ordinary handlers), with a wall-clock backstop of `wallClockFactor` times the limit.
 */
import { readFileSync } from 'node:fs';

/** The wall-clock backstop: a call ends at this many times its limit in wall-clock time, whatever its CPU time. */
export const wallClockFactor = 5;
/** Linux reports thread CPU time in clock ticks of 1/100 s (USER_HZ). */
const ticksPerSecond = 100;

/**
 * The calling thread's CPU time (user + system) in milliseconds, read from /proc/thread-self/stat, at
 * 10 ms resolution; undefined where that file does not exist (not Linux): then the limit is wall-clock.
 */
export function threadCpuClock(): (() => number) | undefined {
  const read = (): number => {
    const stat = readFileSync('/proc/thread-self/stat', 'latin1');
    // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
  };
  try {
    return Number.isFinite(read()) ? read : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts a limit of `limitMs`: `expired()` is checked on QuickJS's interrupts. Until `limitMs` of wall-clock
 * time passed it answers false without reading the CPU clock; then it is expired once the thread used
 * `limitMs` of CPU time since the start, or `wallClockFactor × limitMs` of wall-clock time passed.
 *
 * @example
 * const limit = startTimeLimit(100, () => performance.now(), threadCpuClock());
 * runtime.setInterruptHandler(() => limit.expired());
 */
export function startTimeLimit(
  limitMs: number,
  wallNow: () => number,
  cpuNow: (() => number) | undefined,
): { expired(): boolean } {
  const wallStart = wallNow();
  const cpuStart = cpuNow?.() ?? 0;
  const backstop = wallStart + limitMs * wallClockFactor;
  let nextCheck = wallStart + limitMs;
  return {
    expired() {
      const wall = wallNow();
      if (wall < nextCheck) return false;
      if (!cpuNow || wall >= backstop) return true;
      const used = cpuNow() - cpuStart;
      if (used >= limitMs) return true;
      // The CPU clock moves in 10 ms ticks: look again once the rest could have been used.
      nextCheck = Math.min(backstop, wall + Math.max(limitMs - used, 10));
      return false;
    },
  };
}
