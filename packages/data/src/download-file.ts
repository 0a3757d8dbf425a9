import { open, mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { temporaryPathBeside } from '@kdlab/core';

/** Default time a download may go without receiving a byte (connecting included) before it is abandoned. */
export const DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS = 30_000;

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

/**
 * Downloads `url` to `target` (creating its directory): the body is streamed into a temporary file
 * beside `target`, which is renamed onto `target` only once complete (and, when the server sent a
 * `Content-Length`, only when that many bytes arrived), so an interrupted download never leaves a
 * partial file under the final name. The download is abandoned when no byte arrives for
 * `idleTimeoutMs` (connecting included); there is no limit on the total time of a download that
 * keeps making progress. Errors say which URL failed and why.
 */
export async function downloadFile(url: string, target: string, idleTimeoutMs: number = DEFAULT_DOWNLOAD_IDLE_TIMEOUT_MS): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new Error(`no data received for ${idleTimeoutMs / 1000} s`)), idleTimeoutMs);
  };
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporaryPathBeside(target);
  arm();
  try {
    const response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    if (!response.ok || response.body === null) throw new Error(`HTTP ${response.status} ${response.statusText}`);
    const expected = Number(response.headers.get('content-length') ?? Number.NaN);
    const handle = await open(temporary, 'w');
    let received = 0;
    try {
      const reader = response.body.getReader();
      for (;;) {
        arm();
        const { done, value } = await reader.read();
        if (done) break;
        received += value.byteLength;
        await handle.write(value);
      }
    } finally {
      await handle.close();
    }
    if (Number.isFinite(expected) && received !== expected) {
      throw new Error(`the server announced ${expected} bytes but sent ${received}`);
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    const reason = controller.signal.aborted ? describe(controller.signal.reason) : describe(error);
    throw new Error(`GET ${url} failed: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
}
