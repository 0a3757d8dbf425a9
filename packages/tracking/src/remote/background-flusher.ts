import type { CallRecord } from '../journal/journal-records.js';
import { nextCallGroup } from './call-groups.js';
import { isServerUnavailable } from './server-unavailable.js';

/** How long to wait between delivery attempts while the server is unavailable. */
export interface RetryDelay {
  /** Wait after the first failed attempt, in ms. */
  initialMs: number;
  /** Longest wait, in ms (the wait doubles after each failure up to this). */
  maxMs: number;
}

/** What a {@link BackgroundFlusher} does with the calls, and whom it tells. */
export interface BackgroundFlusherOptions {
  /** Sends one group of calls; throws when it could not. */
  deliver: (group: readonly CallRecord[]) => Promise<void>;
  /** The group is on the server (or, for refused calls, given up). */
  onDone: (group: readonly CallRecord[]) => void;
  /** The server refused this call for good. */
  onRejected: (call: CallRecord, error: unknown) => void;
  /** An attempt failed because the server is unavailable; calls stay queued. */
  onUnavailable: (error: unknown) => void;
  /** The server answers again after being unavailable. */
  onAvailable: () => void;
  /** How long a call may wait for others to join its batch, in ms. */
  batchDelayMs: number;
  /** Back-off between attempts while the server is unavailable. */
  retryDelay: RetryDelay;
  /** Most params, tags and metrics merged into one batch. */
  maxBatchItems: number;
}

/** How a wait for delivery ended. */
export type DeliveryOutcome = 'delivered' | 'unavailable';

interface Waiter {
  seq: number;
  resolve: (outcome: DeliveryOutcome) => void;
}

/**
 * Sends queued calls in the background, in order: it waits a little so that calls are batched,
 * merges consecutive log calls of a run into one `log-batch`, and, when the server is unavailable,
 * keeps every call queued and tries again with exponential back-off until the server answers. A
 * merged batch the server refuses is re-sent call by call, so that only the refused call is lost
 * (reported through `onRejected`). A pending batch keeps the process alive until it is sent; a
 * back-off wait does not (what is unsent stays in the journal).
 */
export class BackgroundFlusher {
  readonly #options: BackgroundFlusherOptions;
  readonly #pending: CallRecord[] = [];
  #waiters: Waiter[] = [];
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #unavailable = false;
  #failures = 0;
  #sendSinglyCount = 0;
  #doneThrough = 0;
  #stopped = false;

  /** @param options - Delivery, reporting and timing. */
  constructor(options: BackgroundFlusherOptions) {
    this.#options = options;
  }

  /** True while the last attempt failed because the server was unavailable. */
  get unavailable(): boolean {
    return this.#unavailable;
  }

  /** How many calls wait to be sent. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Position of the last call sent or given up. */
  get doneThrough(): number {
    return this.#doneThrough;
  }

  /**
   * Queues a call; it is sent after the batch delay (or, while the server is unavailable, at the
   * next retry).
   *
   * @param call - The journaled call.
   */
  enqueue(call: CallRecord): void {
    if (this.#stopped) throw new Error(`The tracker is closed: call ${call.seq} ('${call.t}') cannot be sent.`);
    this.#pending.push(call);
    if (!this.#unavailable) this.#schedule(this.#options.batchDelayMs);
  }

  /**
   * Sends at once (cutting any batch delay or back-off short) and settles when every call up to
   * `seq` is done (`delivered`), or when an attempt fails because the server is unavailable.
   *
   * @param seq - Position of the last call to wait for.
   */
  settle(seq: number): Promise<DeliveryOutcome> {
    if (this.#doneThrough >= seq || this.#pending.length === 0) return Promise.resolve('delivered');
    if (this.#stopped) return Promise.resolve('unavailable');
    const settled = new Promise<DeliveryOutcome>((resolve) => this.#waiters.push({ seq, resolve }));
    this.#schedule(0);
    return settled;
  }

  /** Stops sending (queued calls stay in the journal) once an attempt in progress has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#resolveWaiters(() => 'unavailable');
    await this.#running;
  }

  /** Runs the loop after `delayMs`; a back-off wait does not keep the process alive, a batch delay does. */
  #schedule(delayMs: number, backOff = false): void {
    if (this.#stopped) return;
    if (this.#timer !== undefined) {
      if (delayMs > 0) return;
      clearTimeout(this.#timer);
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running ??= this.#run().finally(() => {
        this.#running = undefined;
      });
    }, delayMs);
    if (backOff) this.#timer.unref();
  }

  async #run(): Promise<void> {
    while (this.#pending.length > 0 && !this.#stopped) {
      const group = nextCallGroup(this.#pending, this.#sendSinglyCount > 0 ? 1 : this.#options.maxBatchItems);
      try {
        await this.#options.deliver(group);
      } catch (error) {
        if (isServerUnavailable(error)) {
          this.#markUnavailable(error);
          return;
        }
        if (group.length > 1) {
          this.#sendSinglyCount = group.length;
          continue;
        }
        this.#options.onRejected(group[0]!, error);
      }
      this.#markDone(group);
    }
  }

  #markDone(group: readonly CallRecord[]): void {
    this.#pending.splice(0, group.length);
    this.#sendSinglyCount = Math.max(0, this.#sendSinglyCount - group.length);
    this.#doneThrough = group[group.length - 1]!.seq;
    this.#options.onDone(group);
    if (this.#unavailable) {
      this.#unavailable = false;
      this.#failures = 0;
      this.#options.onAvailable();
    }
    const through = this.#doneThrough;
    this.#resolveWaiters((waiter) => (waiter.seq <= through ? 'delivered' : undefined));
  }

  #markUnavailable(error: unknown): void {
    this.#unavailable = true;
    this.#failures += 1;
    this.#options.onUnavailable(error);
    this.#resolveWaiters(() => 'unavailable');
    const { initialMs, maxMs } = this.#options.retryDelay;
    this.#schedule(Math.min(maxMs, initialMs * 2 ** Math.min(30, this.#failures - 1)), true);
  }

  #resolveWaiters(outcomeOf: (waiter: Waiter) => DeliveryOutcome | undefined): void {
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      const outcome = outcomeOf(waiter);
      if (outcome === undefined) waiting.push(waiter);
      else waiter.resolve(outcome);
    }
    this.#waiters = waiting;
  }
}
