/**
 * kdlab scale-out: a sweep's trials as BullMQ jobs on Redis, with their dependencies (each teacher,
 * then its baselines, then the distilled students), taken by `kdlab worker` processes on any number
 * of machines, every run logged to one MLflow server.
 *
 * @packageDocumentation
 */
export * from './redis/redis-url.js';
export * from './redis/redis-connection.js';
export * from './redis/sweep-state.js';
export * from './graph/job-graph.js';
export * from './graph/job-payload.js';
export * from './graph/plugin-references.js';
export * from './sweep-queue.js';
export * from './enqueue-sweep.js';
export * from './worker/job-runner.js';
export * from './worker/queue-worker.js';
export * from './worker/worker-registry.js';
export * from './worker/end-stale-runs.js';
export * from './worker/finish-sweep.js';
export * from './watch/sweep-progress.js';
export * from './watch/watch-sweep.js';
export * from './gpu/gpu-assignment.js';
