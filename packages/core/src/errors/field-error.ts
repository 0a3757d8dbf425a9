/**
 * An error in what one field of an experiment asks for, found when the run is planned or set up:
 * the field's dotted path (as `--set` takes it, e.g. `stages.0.trainable.upTo`) and what is wrong
 * with it. Its message is `<field>: <detail>`.
 */
export class FieldError extends Error {
  /**
   * @param field - The field's dotted path.
   * @param detail - What is wrong, without the path.
   * @param options - The error that caused it, when there is one.
   */
  constructor(
    readonly field: string,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${detail}`, options);
    this.name = 'FieldError';
  }
}
