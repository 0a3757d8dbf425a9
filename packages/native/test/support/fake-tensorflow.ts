import type { ZipInput } from './real-archives.js';

/** The headers of a tiny fake TensorFlow C API: c_api.h pulls in the rest, one include relative to its folder. */
export const FAKE_HEADERS: Record<string, string> = {
  'tensorflow/c/c_api.h': '#include "tensorflow/c/tf_status.h"\n#include <stdint.h>\n',
  'tensorflow/c/eager/c_api.h': '#include "tensorflow/c/c_api.h"\n#include "../tf_tensor.h"\n',
  'tensorflow/c/tf_status.h': '// status\n#include "tsl/c/tsl_status.h"\n',
  'tensorflow/c/tf_tensor.h': '// tensor\n',
  'tensorflow/core/platform/ctstring_internal.h': '#include "tsl/platform/ctstring_internal.h"\n',
  'tsl/c/tsl_status.h': '// tsl status\n',
  'tsl/platform/ctstring_internal.h': '// ctstring\n',
  'tensorflow/core/unused.h': '// not included by anything\n',
};

/** What tfjs-node's addon sources include, in miniature. */
export const FAKE_ADDON_SOURCES = new Map([
  ['tfjs_backend.cc', '#include "tfjs_backend.h"\n#include "tensorflow/c/eager/c_api.h"\n#include "tensorflow/core/platform/ctstring_internal.h"\n#include "utils.h"\n'],
  ['tfjs_backend.h', '#include "tensorflow/c/c_api.h"\n'],
  ['utils.h', '#include <string>\n'],
]);

/** The members of a fake TensorFlow wheel: the libraries under `tensorflow/`, headers under `tensorflow/include`, Python beside. */
export function fakeWheelInputs(): ZipInput[] {
  return [
    { path: 'tensorflow/' },
    { path: 'tensorflow/libtensorflow_cc.so.2', data: 'C API library bytes '.repeat(50) },
    { path: 'tensorflow/libtensorflow_framework.so.2', data: 'framework bytes', method: 'store' },
    { path: 'tensorflow/python/_pywrap_tensorflow_internal.so', data: 'python glue' },
    ...Object.entries(FAKE_HEADERS).map(([path, data]) => ({ path: `tensorflow/include/${path}`, data })),
    { path: 'tensorflow_cpu-2.21.0.dist-info/METADATA', data: 'Name: tensorflow-cpu\nVersion: 2.21.0\n' },
  ];
}
