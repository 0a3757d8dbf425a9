import type { FileInfo } from '../model/artifact.js';
import { asObject, readFlag, readOptionalInteger, readString } from './json-fields.js';

/** Reads an MLflow `FileInfo` message (`is_dir` absent means false). */
export function decodeFileInfo(value: unknown, where: string): FileInfo {
  const object = asObject(value, where);
  return {
    path: readString(object, 'path', where),
    isDir: readFlag(object, 'is_dir', where),
    fileSize: readOptionalInteger(object, 'file_size', where),
  };
}
