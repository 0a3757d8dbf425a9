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

/**
 * A process's proportional set size (`Pss` in `/proc/<pid>/smaps_rollup`) in KiB: its resident pages,
 * each page shared with other processes counted as its share (a library mapped by two workers counts
 * half in each), so that summing it over processes counts every page once. `undefined` when the
 * process is gone or the kernel has no `smaps_rollup` (before Linux 4.14).
 */
export function pssKb(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
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
 * `intervalMs`, keeping the largest sum and the largest single process, and the largest summed
 * proportional set size (shared pages counted once over the tree: the memory the tree really takes,
 * where the summed resident set counts a library each of its processes maps once per process): peaks
 * shorter than the interval can be missed, so the results are lower bounds.
 */
export class TreeMemorySampler {
  #peakTotalKb = 0;
  #peakProcessKb = 0;
  #peakPssKb = 0;
  #pssRead = true;
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
    let pss = 0;
    for (const pid of processTree(this.root)) {
      const rss = statusFieldKb(pid, 'VmRSS');
      if (rss === undefined) continue;
      total += rss;
      this.#peakProcessKb = Math.max(this.#peakProcessKb, rss);
      const share = pssKb(pid);
      if (share === undefined) this.#pssRead = false;
      else pss += share;
    }
    this.#peakTotalKb = Math.max(this.#peakTotalKb, total);
    this.#peakPssKb = Math.max(this.#peakPssKb, pss);
  }

  /** Stops sampling and answers the peaks seen, in KiB (no `peakPssKb` where a process's `smaps_rollup` could not be read). */
  stop(): { peakTotalKb: number; peakProcessKb: number; peakPssKb?: number } {
    clearInterval(this.#timer);
    return { peakTotalKb: this.#peakTotalKb, peakProcessKb: this.#peakProcessKb, ...(this.#pssRead && this.#peakPssKb > 0 ? { peakPssKb: this.#peakPssKb } : {}) };
  }
}
