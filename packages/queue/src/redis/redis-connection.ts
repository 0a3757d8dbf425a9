import { Redis } from 'ioredis';
import type { RedisLocation } from './redis-url.js';

/**
 * Opens a Redis connection as BullMQ needs it: commands wait through a reconnection instead of
 * failing (`maxRetriesPerRequest: null`), and reconnection goes on with a growing delay (up to 5 s),
 * so a Redis restart pauses workers rather than stopping them.
 *
 * @param location - from {@link parseRedisUrl}.
 * @param name - the client name Redis lists (`CLIENT LIST`).
 */
export function connectRedis(location: RedisLocation, name?: string): Redis {
  const connection = new Redis(location.url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * times, 5000),
    ...(name !== undefined ? { connectionName: name } : {}),
  });
  // Connection errors are retried; whoever cares (waitForRedis, a worker's notes) listens for them.
  connection.on('error', () => undefined);
  return connection;
}

/**
 * Waits until a connection is ready, or fails naming the (redacted) URL after `timeoutMs`: a wrong
 * host fails in seconds, before anything is enqueued or any trial process starts.
 */
export async function waitForRedis(connection: Redis, location: RedisLocation, timeoutMs = 10_000): Promise<void> {
  if (connection.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis at ${location.redacted} did not answer within ${Math.round(timeoutMs / 1000)} s${lastError ? ` (${lastError})` : ''}; is redis-server running there?`));
    }, timeoutMs);
    let lastError = '';
    const onError = (error: Error): void => {
      lastError = error.message;
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      connection.off('ready', onReady);
      connection.off('error', onError);
    };
    connection.on('ready', onReady);
    connection.on('error', onError);
  });
}
