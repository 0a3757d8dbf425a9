import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../src/collect-garbage.js';

/** Leaves `mib` MiB of ArrayBuffers behind, unreferenced. */
function leaveGarbage(mib: number): number {
  const buffers = Array.from({ length: mib }, () => new Uint8Array(1 << 20).fill(1));
  return buffers.length;
}

describe('collectGarbage', () => {
  it('frees the ArrayBuffers nothing references, and leaves no gc() behind in new contexts or the global object', async () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = process.memoryUsage().arrayBuffers;
    leaveGarbage(48);
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThan(40 * 2 ** 20);
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 50)); // V8 frees backing stores off the main thread
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 * 2 ** 20);
    expect(typeof (globalThis as { gc?: unknown }).gc === 'function').toBe(hadGc);
    expect(runInNewContext('typeof gc')).toBe(hadGc ? 'function' : 'undefined');
  });
});
