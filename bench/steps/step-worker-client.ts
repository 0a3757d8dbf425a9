import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { ANSWER_PREFIX, type MemoryAnswer, type ReadyAnswer, type TimesAnswer } from './protocol.js';

/** How to start one step worker. */
export interface WorkerCommand {
  /** The executable. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Extra environment variables. */
  env?: Record<string, string>;
}

/**
 * A running step worker (kdlab's or PyTorch's): started, waited for until its workload is built and
 * warmed up, then driven one command at a time. Its stderr is kept (the last lines) for error messages.
 */
export class StepWorkerClient {
  readonly #child: ChildProcess;
  readonly #answers: string[] = [];
  readonly #waiting: Array<(line: string) => void> = [];
  readonly #stderr: string[] = [];
  #exit: string | undefined;

  /** @param name - the worker's name in error messages. @param command - how to start it. @param cwd - where. */
  constructor(
    readonly name: string,
    command: WorkerCommand,
    cwd: string,
  ) {
    this.#child = spawn(command.command, command.args, { cwd, env: { ...process.env, ...command.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.#child.stdout! }).on('line', (line) => {
      if (!line.startsWith(ANSWER_PREFIX)) return;
      const answer = line.slice(ANSWER_PREFIX.length);
      const waiter = this.#waiting.shift();
      if (waiter !== undefined) waiter(answer);
      else this.#answers.push(answer);
    });
    createInterface({ input: this.#child.stderr! }).on('line', (line) => {
      this.#stderr.push(line);
      if (this.#stderr.length > 20) this.#stderr.shift();
    });
    this.#child.on('exit', (code, signal) => {
      this.#exit = `exited with ${signal ?? `code ${String(code)}`}`;
      for (const waiter of this.#waiting.splice(0)) waiter('');
    });
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  #next(): Promise<unknown> {
    const parse = (line: string): unknown => {
      if (line === '') throw new Error(`${this.name} ${this.#exit ?? 'stopped answering'}: ${this.lastError()}`);
      return JSON.parse(line) as unknown;
    };
    const ready = this.#answers.shift();
    if (ready !== undefined) return Promise.resolve(parse(ready));
    if (this.#exit !== undefined) return Promise.reject(new Error(`${this.name} ${this.#exit}: ${this.lastError()}`));
    return new Promise((resolve, reject) => {
      this.#waiting.push((line) => {
        try {
          resolve(parse(line));
        } catch (error) {
          reject(error as Error);
        }
      });
    });
  }

  /** The last meaningful stderr line (why a worker failed). */
  lastError(): string {
    const lines = this.#stderr.filter((line) => line.trim() !== '' && !/^\s+at /.test(line));
    const error = [...lines].reverse().find((line) => /error/i.test(line));
    return (error ?? lines.at(-1) ?? 'no output').trim().slice(0, 300);
  }

  /** Waits until the workload is built and warmed up. */
  async ready(): Promise<ReadyAnswer> {
    return (await this.#next()) as ReadyAnswer;
  }

  /** Runs steps for at least `budgetMs` and `minSteps`; answers each step's milliseconds. */
  async run(budgetMs: number, minSteps: number): Promise<TimesAnswer> {
    this.#child.stdin!.write(`run ${budgetMs} ${minSteps}\n`);
    return (await this.#next()) as TimesAnswer;
  }

  /** Ends the worker; answers its peak and current resident set. */
  async quit(): Promise<MemoryAnswer> {
    this.#child.stdin!.write('quit\n');
    const answer = (await this.#next()) as MemoryAnswer;
    this.#child.stdin!.end();
    return answer;
  }

  /** Kills the worker (after an error). */
  kill(): void {
    if (this.#exit === undefined) this.#child.kill('SIGKILL');
  }
}
