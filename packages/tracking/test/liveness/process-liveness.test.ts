import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { writerLiveness } from '../../src/liveness/process-liveness.js';
import { isExitedProcess, readProcessStart } from '../../src/liveness/process-start.js';

const linux = existsSync('/proc/self/stat');

/**
 * Starts a shell that forks a child which exits shortly after, once the shell has become `sleep`, which never reaps it:
 * the child stays a zombie (it keeps its id and answers signal 0) until the shell's process ends.
 */
async function withZombie(body: (zombiePid: number, parentPid: number) => void | Promise<void>): Promise<void> {
  const parent = spawn('sh', ['-c', 'sleep 0.2 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombiePid = await new Promise<number>((resolve, reject) => {
      parent.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
      parent.once('error', reject);
    });
    for (let tries = 0; tries < 250 && !isExitedProcess(zombiePid); tries += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await body(zombiePid, parent.pid!);
  } finally {
    parent.kill('SIGKILL');
  }
}

describe.runIf(linux)('writerLiveness', () => {
  it('is alive for this process and for a live process whose start time matches', async () => {
    expect(writerLiveness(process.pid, hostname(), readProcessStart(process.pid))).toBe('alive');
    await withZombie((_zombie, parentPid) => {
      expect(writerLiveness(parentPid, hostname(), readProcessStart(parentPid))).toBe('alive');
    });
  });

  it('is dead for a process that has exited but is not reaped (a zombie answers signal 0)', async () => {
    await withZombie((zombiePid) => {
      expect(() => process.kill(zombiePid, 0)).not.toThrow();
      expect(isExitedProcess(zombiePid)).toBe(true);
      expect(writerLiveness(zombiePid, hostname(), readProcessStart(zombiePid))).toBe('dead');
      expect(writerLiveness(zombiePid, hostname())).toBe('dead');
    });
  });

  it('is dead for a reused id (another start time) and other-host for another machine', () => {
    const me = readProcessStart(process.pid)!;
    // This process is never judged by its own record: its own id is skipped, the start time still compared.
    expect(writerLiveness(process.pid, hostname(), { ...me, startTicks: me.startTicks + 1 })).toBe('dead');
    expect(writerLiveness(process.pid, `${hostname()}-elsewhere`)).toBe('other-host');
  });
});
