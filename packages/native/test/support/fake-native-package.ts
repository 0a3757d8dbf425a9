import { join } from 'node:path';
import { writeFiles } from './temp-folder.js';

/**
 * A stand-in for tfjs-node in a native build folder: a CommonJS package with just what kdlab's probe
 * uses (`setBackend`, `add`, `scalar`, `backend().binding.TF_Version`, `version`), or one that
 * throws when loaded.
 *
 * @param nativeDir - The native build folder.
 * @param options - The package, the TensorFlow version it reports (with the thread variables it saw
 *   appended when `echoThreads`), or an error to throw on load.
 */
export async function writeFakeNativePackage(
  nativeDir: string,
  options: { pkg?: string; tensorflowVersion?: string; failOnLoad?: string; echoThreads?: boolean } = {},
): Promise<string> {
  const pkg = options.pkg ?? '@tensorflow/tfjs-node';
  const main =
    options.failOnLoad !== undefined
      ? `throw new Error(${JSON.stringify(options.failOnLoad)});\n`
      : `
let active = null;
const scalar = (value) => ({ value, dataSync: () => [value] });
module.exports = {
  marker: 'fake tfjs-node',
  version: { 'tfjs-node': '4.22.0' },
  setBackend: async (name) => { active = name; return name === 'tensorflow'; },
  scalar,
  add: (a, b) => scalar(a.value + b.value),
  backend: () => ({ binding: { TF_Version: ${JSON.stringify(options.tensorflowVersion ?? '2.21.0')}${options.echoThreads === true ? " + ' threads ' + process.env.TF_NUM_INTRAOP_THREADS + '/' + process.env.TF_NUM_INTEROP_THREADS" : ''} }, isUsingGpuDevice: false }),
};
`;
  await writeFiles(nativeDir, {
    [`node_modules/${pkg}/package.json`]: JSON.stringify({ name: pkg, version: '4.22.0', main: 'dist/index.js' }),
    [`node_modules/${pkg}/dist/index.js`]: main,
  });
  return join(nativeDir, 'node_modules', ...pkg.split('/'), 'dist', 'index.js');
}
