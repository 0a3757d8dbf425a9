import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '@kdlab/core';
import { PushInputError } from './push-errors.js';

/**
 * Prefix of the ledger files `kdlab push` keeps in the store root, one per server:
 * `.kdlab-push-<hash of the server URL>.json`. A file, not a folder: the MLflow server reads every
 * folder of the store root as an experiment and fails its whole experiment search on one whose name
 * is not a valid id, while it ignores files there.
 */
export const PUSH_LEDGER_PREFIX = '.kdlab-push-';

/** How far the copy of one run got. */
export type PushedRunState = 'copying' | 'done';

/** What the ledger records of one local run. */
export interface PushedRun {
  /** The run's id on the server. */
  serverRunId: string;
  /** The id on the server of the run's experiment. */
  serverExperimentId: string;
  /** `copying`: created on the server, not everything sent yet; `done`: copied whole, status and end time set. */
  state: PushedRunState;
}

/** The ledger file's content. */
interface LedgerFile {
  format: 1;
  trackingUri: string;
  runs: Record<string, PushedRun>;
}

/**
 * The ledger file of a store and a server: `<store>/.kdlab-push-<first 16 hex digits of the SHA-256 of the URL>.json`.
 *
 * @param storeRoot - Absolute path of the store.
 * @param trackingUri - The server's URL without credentials (as `MlflowClient.trackingUri` gives it).
 */
export function pushLedgerPath(storeRoot: string, trackingUri: string): string {
  const hash = createHash('sha256').update(trackingUri, 'utf8').digest('hex').slice(0, 16);
  return join(storeRoot, `${PUSH_LEDGER_PREFIX}${hash}.json`);
}

function isPushedRun(value: unknown): value is PushedRun {
  const entry = value as Partial<PushedRun> | null;
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof entry.serverRunId === 'string' &&
    typeof entry.serverExperimentId === 'string' &&
    (entry.state === 'copying' || entry.state === 'done')
  );
}

/**
 * Which local runs have been copied to one server, and under which ids: what makes a second
 * `kdlab push` copy nothing again and an interrupted one go on where it stopped. Every change is
 * written to the file at once, atomically (a temporary file renamed over it), so a push killed at
 * any moment leaves the ledger as it was after the last run it recorded.
 */
export class PushLedger {
  readonly #runs: Map<string, PushedRun>;

  private constructor(
    /** Absolute path of the store. */
    readonly storeRoot: string,
    /** The ledger file. */
    readonly path: string,
    /** The server's URL, without credentials. */
    readonly trackingUri: string,
    runs: Map<string, PushedRun>,
  ) {
    this.#runs = runs;
  }

  /**
   * Reads the ledger of a store and a server; an absent file is an empty ledger.
   *
   * @param storeRoot - Absolute path of the store.
   * @param trackingUri - The server's URL without credentials.
   * @throws PushInputError naming the file when it is not a ledger.
   */
  static async open(storeRoot: string, trackingUri: string): Promise<PushLedger> {
    const path = pushLedgerPath(storeRoot, trackingUri);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new PushLedger(storeRoot, path, trackingUri, new Map());
      throw error;
    }
    let parsed: Partial<LedgerFile>;
    try {
      parsed = JSON.parse(text) as Partial<LedgerFile>;
    } catch (error) {
      throw new PushInputError(`Push ledger '${path}' is not JSON (${(error as Error).message}); remove it to push again (runs already on the server are found by their kdlab.source_run_id tag).`);
    }
    const entries = Object.entries(parsed.runs ?? {});
    if (parsed.format !== 1 || entries.some(([, entry]) => !isPushedRun(entry))) {
      throw new PushInputError(`Push ledger '${path}' is not a kdlab push ledger of format 1; remove it to push again (runs already on the server are found by their kdlab.source_run_id tag).`);
    }
    return new PushLedger(storeRoot, path, trackingUri, new Map(entries));
  }

  /**
   * What the ledger records of a local run.
   *
   * @param localRunId - The run's id in the store.
   */
  get(localRunId: string): PushedRun | undefined {
    return this.#runs.get(localRunId);
  }

  /** How many runs it records. */
  get size(): number {
    return this.#runs.size;
  }

  /**
   * Records a run and writes the ledger file.
   *
   * @param localRunId - The run's id in the store.
   * @param entry - Its server ids and how far its copy got.
   */
  async record(localRunId: string, entry: PushedRun): Promise<void> {
    this.#runs.set(localRunId, entry);
    const content: LedgerFile = { format: 1, trackingUri: this.trackingUri, runs: Object.fromEntries(this.#runs) };
    await writeFileAtomically(this.storeRoot, this.path, `${JSON.stringify(content, null, 1)}\n`);
  }
}
