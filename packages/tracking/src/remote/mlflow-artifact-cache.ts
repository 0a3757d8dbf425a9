import { MlflowClient, type MlflowClientOptions, type Run } from '@kdlab/mlflow';
import type { CacheEntryFiles, ModelCacheRemote } from '@kdlab/core';

/** The run tag naming the cache entry (`<kind>/<key>`) a run's artifacts hold; set only once its files are complete. */
export const CACHE_ENTRY_TAG = 'kdlab.cache_entry';

/** The folder of a run's artifacts where cache entries lie: `kdlab-cache/<kind>/<key>/{manifest.json,data.bin}`. */
export const CACHE_ARTIFACT_FOLDER = 'kdlab-cache';

/** Most experiment ids sent in one `runs/search` request. */
const EXPERIMENTS_PER_SEARCH = 100;

/** Most tagged runs looked at per `runs/search` request (the newest first). */
const RUNS_PER_SEARCH = 20;

/** Retries of the cache's client unless told otherwise: few and short, since a miss only means training again. */
const CACHE_RETRY = { maxAttempts: 3, initialDelayMs: 250, maxDelayMs: 2000 } as const;

/** A kind or key that can stand in an artifact path and a quoted search filter as it is. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Where a {@link MlflowArtifactCache} finds its server, and how its client behaves. */
export interface MlflowArtifactCacheOptions {
  /**
   * The tracking server, `http(s)://host:port[/prefix]` (the one runs are logged to). User info in it
   * is used as credentials, as the tracker does, and never shown.
   */
  trackingUri: string;
  /**
   * Client settings other than credentials (TLS, retries, timeouts, where `MLFLOW_*` variables are
   * read). Credentials come from `MLFLOW_TRACKING_TOKEN`, or `MLFLOW_TRACKING_USERNAME` and
   * `MLFLOW_TRACKING_PASSWORD`, as for the tracker. Retries default to 3 attempts, at most 2 s apart.
   */
  client?: Omit<MlflowClientOptions, 'trackingUri' | 'token' | 'username' | 'password'>;
  /** How long the list of the server's experiments is reused before it is read again, in ms. Default 10 000. */
  experimentsTtlMs?: number;
}

/**
 * The trained-model cache's remote tier on an MLflow tracking server (implements `@kdlab/core`'s
 * `ModelCacheRemote`): an entry travels as artifacts of the run it was trained in, so machines that
 * share no disk but log to the same server share teachers.
 *
 * - `publish` uploads `kdlab-cache/<kind>/<key>/data.bin` and `manifest.json` into the run's
 *   artifacts (through the server's artifact proxy, `--serve-artifacts`), then sets the run's tag
 *   `kdlab.cache_entry` = `<kind>/<key>`: a run carrying the tag holds complete files.
 * - `fetch` lists the server's active experiments (`experiments/search`, paged; the list is reused
 *   for `experimentsTtlMs`), searches them for runs with that tag (`runs/search`, 100 experiments a
 *   request, newest run first), and downloads the files of the first run whose artifacts hold both
 *   (`artifacts/list`, then the proxy); `undefined` when no run does. A miss on a reused list reads
 *   the list again and searches the experiments created since, so a reused list never hides an
 *   entry. It throws when the server cannot be asked: the cache then warns and treats the lookup as
 *   a miss.
 */
export class MlflowArtifactCache implements ModelCacheRemote {
  /** `MLflow server <url> (run artifacts)`, the URL without credentials. */
  readonly description: string;
  readonly #client: MlflowClient;
  readonly #experimentsTtlMs: number;
  #experiments: { ids: Promise<string[]>; at: number } | undefined;

  /**
   * Sets up the client; nothing is sent until the first call.
   *
   * @param options - The server and client settings.
   * @throws MlflowConfigError for a bad URL or settings (never showing a credential).
   */
  constructor(options: MlflowArtifactCacheOptions) {
    const { retry, ...client } = options.client ?? {};
    this.#client = new MlflowClient({ ...client, retry: retry === false ? false : { ...CACHE_RETRY, ...retry }, trackingUri: options.trackingUri });
    this.description = `MLflow server ${this.#client.trackingUri} (run artifacts)`;
    this.#experimentsTtlMs = options.experimentsTtlMs ?? 10_000;
  }

  /**
   * The files of the newest run tagged with this entry whose artifacts hold both, or `undefined`.
   *
   * @param kind - The entry's kind (`teachers`, `baselines`).
   * @param key - Its cache key.
   * @throws for a kind or key that is not a plain name, and when the server cannot be asked.
   */
  async fetch(kind: string, key: string): Promise<CacheEntryFiles | undefined> {
    const folder = entryFolder(kind, key);
    const listed = await this.#experimentIds(false);
    const found = await this.#fetchFrom(listed.ids, kind, key, folder);
    if (found !== undefined || listed.fresh) return found;
    // The list was an earlier one: experiments created since are searched too, so that it never hides an entry.
    const known = new Set(listed.ids);
    const added = (await this.#experimentIds(true)).ids.filter((id) => !known.has(id));
    return added.length === 0 ? undefined : this.#fetchFrom(added, kind, key, folder);
  }

  /** The files of the newest run of these experiments tagged with the entry whose artifacts hold both. */
  async #fetchFrom(experimentIds: readonly string[], kind: string, key: string, folder: string): Promise<CacheEntryFiles | undefined> {
    for (const run of await this.#taggedRuns(experimentIds, `${kind}/${key}`)) {
      const listing = await this.#client.artifacts.list(run.info.runId, folder);
      const names = new Set(listing.files.filter((file) => !file.isDir).map((file) => file.path.split('/').pop()));
      // A tagged run whose files are gone (artifacts cleaned up): an older one may still hold them.
      if (!names.has('manifest.json') || !names.has('data.bin')) continue;
      const root = run.info.artifactUri;
      const manifest = await this.#client.artifacts.download(root, `${folder}/manifest.json`);
      const data = await this.#client.artifacts.download(root, `${folder}/data.bin`);
      return { manifest, data };
    }
    return undefined;
  }

  /**
   * Uploads the entry's files into the run's artifacts, then tags the run with the entry.
   *
   * @param kind - The entry's kind (`teachers`, `baselines`).
   * @param key - Its cache key.
   * @param runId - The run on this server the entry was trained in.
   * @param files - The entry's files.
   * @throws for a kind or key that is not a plain name, a run the server does not hold, an artifact
   *   root its proxy does not serve, and when the server cannot be reached.
   */
  async publish(kind: string, key: string, runId: string, files: CacheEntryFiles): Promise<void> {
    const folder = entryFolder(kind, key);
    const run = await this.#client.runs.get(runId);
    const root = run.info.artifactUri;
    await this.#client.artifacts.upload(root, `${folder}/data.bin`, files.data, { contentType: 'application/octet-stream' });
    await this.#client.artifacts.upload(root, `${folder}/manifest.json`, files.manifest, { contentType: 'application/json' });
    // Last: a run carrying the tag holds both files.
    await this.#client.runs.setTag(runId, CACHE_ENTRY_TAG, `${kind}/${key}`);
  }

  /** Closes the client's connections; the cache cannot be used afterwards. */
  async close(): Promise<void> {
    await this.#client.close();
  }

  /**
   * The ids of the server's active experiments, read again when `refresh` is set or the list is older
   * than `experimentsTtlMs`; `fresh` when this call read them.
   */
  async #experimentIds(refresh: boolean): Promise<{ ids: string[]; fresh: boolean }> {
    const now = Date.now();
    let fresh = false;
    if (refresh || this.#experiments === undefined || now - this.#experiments.at >= this.#experimentsTtlMs) {
      fresh = true;
      const ids = (async () => {
        const found: string[] = [];
        for await (const experiment of this.#client.experiments.iterate({ maxResults: 1000 })) found.push(experiment.experimentId);
        return found;
      })();
      const entry = { ids, at: now };
      this.#experiments = entry;
      // A failed listing is not reused.
      ids.catch(() => {
        if (this.#experiments === entry) this.#experiments = undefined;
      });
    }
    return { ids: await this.#experiments.ids, fresh };
  }

  /** The runs of these experiments tagged with the entry, newest first. */
  async #taggedRuns(experimentIds: readonly string[], entry: string): Promise<Run[]> {
    const runs: Run[] = [];
    for (let at = 0; at < experimentIds.length; at += EXPERIMENTS_PER_SEARCH) {
      const page = await this.#client.runs.search({
        experimentIds: experimentIds.slice(at, at + EXPERIMENTS_PER_SEARCH),
        filter: `tags.\`${CACHE_ENTRY_TAG}\` = '${entry}'`,
        orderBy: ['attributes.start_time DESC'],
        maxResults: RUNS_PER_SEARCH,
      });
      runs.push(...page.runs);
    }
    return runs.sort((a, b) => (b.info.startTime ?? 0) - (a.info.startTime ?? 0));
  }
}

/** `kdlab-cache/<kind>/<key>`, after checking that both are plain names. */
function entryFolder(kind: string, key: string): string {
  for (const [what, name] of [['kind', kind], ['key', key]] as const) {
    if (!NAME_PATTERN.test(name)) throw new Error(`A cache entry's ${what} must be letters, digits, '.', '_' and '-', got '${name}'.`);
  }
  return `${CACHE_ARTIFACT_FOLDER}/${kind}/${key}`;
}
