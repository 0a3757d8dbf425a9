import type { Redis } from 'ioredis';

/** A job a worker is running, as its heartbeat reports it. */
export interface RunningJob {
  /** The BullMQ job id. */
  jobId: string;
  /** The job's id within its sweep (`trial-3`, `teacher-<key>`). */
  node: string;
  /** The sweep. */
  sweepId: string;
  /** When it started (ms since the epoch). */
  startedAt: number;
}

/** A worker as it reports itself: where it runs, what it loaded, what it runs now. */
export interface WorkerInfo {
  /** Unique per worker process (`host:pid:start`). */
  id: string;
  /** The machine's host name. */
  host: string;
  /** The process id. */
  pid: number;
  /** The backend its trial processes loaded (e.g. `node`, `wasm`), and its threads. */
  backend: string;
  /** Threads per trial process, as the backend reports them. */
  threads?: number;
  /** How many jobs it takes at once. */
  concurrency: number;
  /** The GPUs its trial processes see (`CUDA_VISIBLE_DEVICES` values), when any. */
  gpus?: string[];
  /** When it started. */
  startedAt: number;
  /** Its last heartbeat. */
  seenAt: number;
  /** The jobs it runs. */
  jobs: RunningJob[];
}

/** How long after its last heartbeat a worker is taken for gone. */
export const WORKER_GONE_AFTER_MS = 30_000;

/** The workers of a queue, each keeping its entry fresh with a heartbeat (a hash `<prefix>:workers`). */
export class WorkerRegistry {
  /**
   * @param redis - a connection for commands.
   * @param prefix - the keys' prefix (`kdlab:<queue name>`).
   */
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Writes a worker's entry (its heartbeat). */
  async beat(info: WorkerInfo): Promise<void> {
    await this.redis.hset(`${this.prefix}:workers`, info.id, JSON.stringify({ ...info, seenAt: Date.now() }));
  }

  /** Removes a worker's entry (it stopped). */
  async remove(id: string): Promise<void> {
    await this.redis.hdel(`${this.prefix}:workers`, id);
  }

  /** The workers seen within {@link WORKER_GONE_AFTER_MS}; older entries are removed. */
  async live(now = Date.now()): Promise<WorkerInfo[]> {
    const all = Object.values(await this.redis.hgetall(`${this.prefix}:workers`)).map((text) => JSON.parse(text) as WorkerInfo);
    const gone = all.filter((w) => now - w.seenAt > WORKER_GONE_AFTER_MS);
    if (gone.length > 0) await this.redis.hdel(`${this.prefix}:workers`, ...gone.map((w) => w.id));
    return all.filter((w) => now - w.seenAt <= WORKER_GONE_AFTER_MS).sort((a, b) => a.host.localeCompare(b.host) || a.pid - b.pid);
  }
}
