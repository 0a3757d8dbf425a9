/** The store, its ledger or the options of a push are not usable: nothing was sent. */
export class PushInputError extends Error {
  /** The class's name, e.g. `'PushInputError'`. */
  override readonly name: string = 'PushInputError';
}

/** Another `kdlab push` is copying the same store to the same server. */
export class PushBusyError extends Error {
  /** `'PushBusyError'`. */
  override readonly name = 'PushBusyError';
}
