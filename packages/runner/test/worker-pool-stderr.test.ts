import { afterEach, describe, expect, it, vi } from 'vitest';
import { isTensorFlowStartupChatter } from '@kdlab/core';
import { WORKER_READY_ID, WORKER_REPLY_PREFIX, WorkerPoolExecutor } from '@kdlab/runner';

// A stand-in worker: prints what TensorFlow's C library prints as it loads, then a line of its own and
// a warning, says it is ready, and exits when its stdin closes.
const FAKE_WORKER = `
process.stderr.write('WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n');
process.stderr.write('I0000 00:00:1796545672.914223   21703 port.cc:153] oneDNN custom operations are on.\\n');
process.stderr.write('[worker] data: mnist-10k\\nW0000 00:00:1796545672.914223   21703 x.cc:1] a warning\\n');
process.stdout.write(${JSON.stringify(WORKER_REPLY_PREFIX)} + JSON.stringify({ id: ${WORKER_READY_ID}, ready: { name: 'cpu', tfBackend: 'cpu', description: 'fake' } }) + '\\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("WorkerPoolExecutor with a filter on its workers' stderr", () => {
  it("passes every line of a worker's stderr on except the ones the filter drops", async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest);
    });
    const pool = new WorkerPoolExecutor({ command: process.execPath, args: ['-e', FAKE_WORKER], dropStderrLine: isTensorFlowStartupChatter }, 1);
    expect((await pool.start(1)).description).toBe('fake');
    await pool.close();
    const relayed = written.join('');
    expect(relayed).toContain('[worker] data: mnist-10k\n');
    expect(relayed).toContain('W0000 00:00:1796545672.914223   21703 x.cc:1] a warning\n');
    expect(relayed).not.toContain('absl::InitializeLog');
    expect(relayed).not.toContain('oneDNN');
  });
});
