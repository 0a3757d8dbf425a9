/**
 * The two files of one trained-model cache entry, as they lie in its folder
 * (`<cache>/<kind>/<key>/manifest.json` and `data.bin`): what a {@link ModelCacheRemote} carries
 * between machines, byte for byte.
 */
export interface CacheEntryFiles {
  /** `manifest.json`: the entry's version, key, summary and the layout of `data.bin` (UTF-8 JSON). */
  manifest: Uint8Array;
  /** `data.bin`: the weights and named arrays, float32 values one after the other. */
  data: Uint8Array;
}

/**
 * A second tier of the trained-model cache, shared by machines that share no disk (the runner's
 * `TrainedModelCache` keeps its local folder in front of it): a teacher trained on one machine is
 * published here under its cache key and fetched by every other machine that needs the same key.
 *
 * The files are opaque to the remote: the cache validates a fetched entry (version, key, sizes) before
 * it uses it. An implementation throws when it cannot answer (network, server down): the cache reports
 * that as a warning and treats it as a miss. It takes no credentials as arguments: an implementation
 * reads them from its own configuration, so that nothing logged about it carries a secret.
 */
export interface ModelCacheRemote {
  /** What and where it is, for messages, e.g. `MLflow server http://host:5000 (run artifacts)`; never a credential. */
  readonly description: string;
  /**
   * The entry's files, or `undefined` when the remote holds no complete entry for this kind and key.
   *
   * @param kind - The entry's kind (`teachers`, `baselines`).
   * @param key - Its cache key.
   * @throws when the remote cannot be asked (unreachable, failing).
   */
  fetch(kind: string, key: string): Promise<CacheEntryFiles | undefined>;
  /**
   * Stores an entry so that other machines find it; complete files only become visible (a fetch never
   * sees half an entry).
   *
   * @param kind - The entry's kind (`teachers`, `baselines`).
   * @param key - Its cache key.
   * @param runId - The tracked run the entry was trained in (an implementation may store the files with it).
   * @param files - The entry's files.
   * @throws when the entry could not be stored.
   */
  publish(kind: string, key: string, runId: string, files: CacheEntryFiles): Promise<void>;
}
