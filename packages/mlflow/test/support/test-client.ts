import { MlflowClient, type MlflowClientOptions } from '../../src/index.js';

/** A client for tests: the given URL, no environment, tiny retry delays unless `options.retry` says otherwise. */
export function testClient(url: string, options: MlflowClientOptions = {}): MlflowClient {
  const retry = options.retry === false ? false : { initialDelayMs: 1, maxDelayMs: 5, ...options.retry };
  return new MlflowClient({ trackingUri: url, env: {}, userId: 'tester', ...options, retry });
}
