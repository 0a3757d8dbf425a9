import cliProgress from 'cli-progress';
import type { TrainProgress } from '@kdlab/core';
import type { Role, RoleResult, RunReporter } from '@kdlab/runner';

const ROLE_WIDTH = 9;

function epochLine(role: string, event: Extract<TrainProgress, { kind: 'epoch-end' }>): string {
  const s = event.summary;
  const width = String(event.epochs).length;
  return (
    `${role.padEnd(ROLE_WIDTH)} epoch ${String(event.epoch).padStart(width)}/${event.epochs}` +
    `  loss ${s.loss.toFixed(4)}  train ${s.trainAccuracy.toFixed(4)}  val ${s.valAccuracy.toFixed(4)}  ${s.seconds.toFixed(1)}s`
  );
}

/**
 * Reports progress on a terminal: a progress bar per epoch when the output is a TTY, and one clean
 * line per finished epoch either way (so CI logs stay readable).
 */
export class TerminalReporter implements RunReporter {
  #bar: cliProgress.SingleBar | undefined;

  /**
   * @param out - where to write (stderr by default, so that stdout carries only the results).
   * @param prefix - put before every line (a worker's id).
   */
  constructor(
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly prefix = '',
  ) {}

  #write(text: string): void {
    this.out.write(`${this.prefix}${text}\n`);
  }

  /** {@inheritDoc RunReporter.roleStarted} */
  roleStarted(role: string, detail: { runId: string; params: number; epochs: number }): void {
    this.#write(`${role.padEnd(ROLE_WIDTH)} run ${detail.runId}  ${detail.params.toLocaleString('en-US')} params  ${detail.epochs} epochs`);
  }

  /** {@inheritDoc RunReporter.progress} */
  progress(role: string, event: TrainProgress): void {
    if (event.kind === 'epoch-start' && this.out.isTTY && !this.prefix) {
      this.#bar = new cliProgress.SingleBar(
        {
          stream: this.out,
          format: `${role.padEnd(ROLE_WIDTH)} epoch ${event.epoch}/${event.epochs} [{bar}] {value}/{total}  loss {loss}`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(event.steps, 0, { loss: '-' });
    } else if (event.kind === 'step') {
      this.#bar?.update(event.step, { loss: event.loss.toFixed(4) });
    } else if (event.kind === 'epoch-end') {
      this.#bar?.stop();
      this.#bar = undefined;
      this.#write(epochLine(role, event));
    }
  }

  /** {@inheritDoc RunReporter.roleFinished} */
  roleFinished(result: RoleResult): void {
    const t = result.training;
    this.#write(`${result.name.padEnd(ROLE_WIDTH)} done: test ${t.testLast.accuracy.toFixed(4)} (best epoch ${t.bestEpoch}: ${t.testBest.accuracy.toFixed(4)})  ${t.seconds.toFixed(1)}s`);
  }

  /** {@inheritDoc RunReporter.note} */
  note(message: string): void {
    this.#bar?.stop();
    this.#write(message);
  }

  /** Stops a bar in progress (on errors). */
  close(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}
