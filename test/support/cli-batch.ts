// Runs several `kdlab` invocations one after another in this one process, each through the CLI's own
// `main(argv)` (what packages/cli/src/entry.ts runs) with its own stdout, stderr and exit code, and
// writes what each printed and its exit code as JSON to the file named by the first argument. Started by
// runCliBatch (run-cli.ts), as the `kdlab` launcher starts the CLI: node, the @kdlab/source condition,
// tsx; the invocations come as JSON in the second argument.
import { writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { main } from '@kdlab/cli';
import type { CliResult } from './run-cli.js';

const [resultFile, invocationsJson] = process.argv.slice(2);
if (resultFile === undefined || invocationsJson === undefined) throw new Error('usage: cli-batch.ts <result file> <invocations as JSON>');
const invocations = JSON.parse(invocationsJson) as string[][];

type Write = typeof process.stdout.write;

/** A stream `write` that appends to `sink` instead, calling a callback it is given as the stream would. */
function capture(sink: { text: string }): Write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    sink.text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
    return true;
  }) as Write;
}

const results: CliResult[] = [];
const writeOut = process.stdout.write;
const writeErr = process.stderr.write;
for (const args of invocations) {
  const stdout = { text: '' };
  const stderr = { text: '' };
  process.stdout.write = capture(stdout);
  process.stderr.write = capture(stderr);
  process.exitCode = undefined;
  let code: number;
  try {
    await main(['node', 'kdlab', ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (error) {
    // what Node prints for an error nothing caught, and its exit code
    stderr.text += `${inspect(error)}\n`;
    code = 1;
  } finally {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
  }
  results.push({ code, stdout: stdout.text, stderr: stderr.text });
}
process.exitCode = 0;
writeFileSync(resultFile, JSON.stringify(results));
