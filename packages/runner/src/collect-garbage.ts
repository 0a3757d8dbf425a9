import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/**
 * Runs a full garbage collection of this process's JavaScript heap now (V8's `gc()`, taken without
 * `--expose-gc` the way jest's leak detector takes it: the flag is set just long enough to read `gc`
 * from a new context). For phase boundaries only: reading a data set leaves its files' bytes behind
 * (the full MNIST's idx files: 55 MB), and V8, which collects ArrayBuffers by the growth of its own
 * heap, can keep them through a whole training (bench/native/MEMORY.md, section 6). Costs one full
 * collection (tens of milliseconds).
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: unknown }).gc;
    if (typeof exposed === 'function') collect = exposed as () => void;
    else {
      setFlagsFromString('--expose-gc');
      try {
        collect = runInNewContext('gc') as () => void;
      } finally {
        setFlagsFromString('--no-expose-gc');
      }
    }
  }
  collect();
}
