/** Thrown by the trainer when its abort signal fires (Ctrl-C): the run is then marked KILLED. */
export class TrainingAbortedError extends Error {
  constructor() {
    super('Training was interrupted.');
    this.name = 'TrainingAbortedError';
  }
}
