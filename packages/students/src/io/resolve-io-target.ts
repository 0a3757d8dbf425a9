import type * as tf from '@tensorflow/tfjs-core';
import { fileSystemHandler } from './file-system-handler.js';

const FILE_SCHEME = 'file://';
const ANY_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Turns a save or load target into what tfjs accepts: an `IOHandler` is passed through; a
 * `file://` URL or a plain path becomes a {@link fileSystemHandler} (plain tfjs has no file
 * system handler in Node); any other URL (`indexeddb://`, `localstorage://`, `downloads://`,
 * `http(s)://`) is left to tfjs's own routers.
 *
 * @param target - an `IOHandler`, a URL or a file system path.
 */
export function resolveIoTarget(target: string | tf.io.IOHandler): string | tf.io.IOHandler {
  if (typeof target !== 'string') return target;
  if (target.startsWith(FILE_SCHEME)) return fileSystemHandler(target.slice(FILE_SCHEME.length));
  if (ANY_SCHEME.test(target)) return target;
  return fileSystemHandler(target);
}
