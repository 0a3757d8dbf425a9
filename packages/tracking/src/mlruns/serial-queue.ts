/**
 * Runs asynchronous tasks one after another, in the order they were added, so that writes to
 * one run never interleave; a failed task does not stop the ones after it.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /**
   * Adds a task; it starts when every task added before it has settled.
   *
   * @param task - The work.
   * @returns The task's result.
   */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Settles when every task added so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
