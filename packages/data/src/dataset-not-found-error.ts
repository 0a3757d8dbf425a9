/** One place kdlab looked for a dataset's files, and what it found there. */
export interface SearchedLocation {
  /** The directory (or an explanation when there was none, e.g. `$KDLAB_DATA_DIR is not set`). */
  readonly where: string;
  /** Why this place was searched: `$KDLAB_DATA_DIR/mnist`, `user cache`, `Debian package dataset-fashion-mnist`. */
  readonly role: string;
  /** What was missing there. */
  readonly outcome: string;
}

/**
 * A dataset's files are nowhere kdlab looked, and downloading them failed or was disabled.
 * The message lists every place searched and says where to put the files.
 */
export class DatasetNotFoundError extends Error {
  /** The dataset id, e.g. `fashion-mnist`. */
  readonly dataset: string;
  /** Every place that was searched, in search order. */
  readonly searched: readonly SearchedLocation[];

  /**
   * @param dataset - the dataset id.
   * @param expected - the files that were looked for, in words (`train-images-idx3-ubyte[.gz], ...`).
   * @param searched - every place searched, in order.
   * @param downloadFailure - why the download failed, or why it was not attempted.
   * @param advice - where to put the files.
   */
  constructor(
    dataset: string,
    expected: string,
    searched: readonly SearchedLocation[],
    downloadFailure: string,
    advice: string,
  ) {
    const places = searched.map((place) => `  - ${place.where} (${place.role}): ${place.outcome}`).join('\n');
    super(
      `Could not find the ${dataset} data files (${expected}).\n` +
        `kdlab looked in:\n${places}\n` +
        `Download: ${downloadFailure}\n` +
        advice,
    );
    this.name = 'DatasetNotFoundError';
    this.dataset = dataset;
    this.searched = searched;
  }
}
