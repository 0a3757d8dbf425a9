import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The id of a process that has exited. */
export function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '']).pid;
  if (pid === undefined) throw new Error('Could not start a short-lived process.');
  return pid;
}

/** The journal files (`*.jsonl`) of a folder. */
export function journalFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jsonl'))
    .map((name) => join(dir, name));
}

/**
 * Rewrites a journal's header as if another process had written it: `pid` (default: one that has
 * exited) and optionally `host`.
 */
export function rewriteWriter(file: string, writer: { pid?: number; host?: string } = {}): void {
  const [header, ...rest] = readFileSync(file, 'utf8').split('\n');
  const session = JSON.parse(header!) as Record<string, unknown>;
  session['pid'] = writer.pid ?? deadPid();
  if (writer.host !== undefined) session['host'] = writer.host;
  writeFileSync(file, [JSON.stringify(session), ...rest].join('\n'));
}

/** The journal's records, parsed, header first. */
export function journalLines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
