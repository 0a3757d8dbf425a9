import { readdirSync, readFileSync } from 'node:fs';

/** A `/proc/<pid>/status` field in KiB, or `undefined` when the process is gone. */
export function statusFieldKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/** The parent of every process now running, from `/proc/<pid>/stat`. */
function parents(): Map<number, number> {
  const result = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: the parent id follows the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      result.set(Number(entry), Number(fields[1]));
    } catch {
      // the process ended while the list was read
    }
  }
  return result;
}

/** `root` and every process descended from it. */
export function processTree(root: number): number[] {
  const parentOf = parents();
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parentOf) if (parent === tree[index]) tree.push(pid);
  }
  return tree;
}

/**
 * Samples the summed resident set of a process tree (a `kdlab run` and its workers, say) every
 * `intervalMs`, keeping the largest sum and the largest single process: peaks shorter than the
 * interval can be missed, so the result is a lower bound.
 */
export class TreeMemorySampler {
  #peakTotalKb = 0;
  #peakProcessKb = 0;
  readonly #timer: NodeJS.Timeout;

  /** @param root - the process whose tree is sampled. @param intervalMs - the sampling period. */
  constructor(
    private readonly root: number,
    intervalMs = 200,
  ) {
    this.#timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Takes one sample now. */
  sample(): void {
    let total = 0;
    for (const pid of processTree(this.root)) {
      const rss = statusFieldKb(pid, 'VmRSS') ?? 0;
      total += rss;
      this.#peakProcessKb = Math.max(this.#peakProcessKb, rss);
    }
    this.#peakTotalKb = Math.max(this.#peakTotalKb, total);
  }

  /** Stops sampling and answers the peaks seen, in KiB. */
  stop(): { peakTotalKb: number; peakProcessKb: number } {
    clearInterval(this.#timer);
    return { peakTotalKb: this.#peakTotalKb, peakProcessKb: this.#peakProcessKb };
  }
}
