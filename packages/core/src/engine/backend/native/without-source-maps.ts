/**
 * Runs `load` with Node's source-map support for stack traces off, then puts it back on. tsx turns it
 * on for the whole process when kdlab loads a TypeScript experiment file, and from then on Node parses
 * and keeps the source map of every module loaded: tfjs-node brings the whole TensorFlow.js union
 * package (`tf.node.js` with a 5.7 MB map, and the maps of its six packages), about 20 MiB of JS heap
 * held for the process's life (bench/native/MEMORY.md, section 6). Their frames then show the
 * compiled JavaScript they run. Left as it is when the user asked for source maps
 * (`--enable-source-maps`, also through `NODE_OPTIONS`) or when they are off.
 */
export function withoutSourceMaps<T>(load: () => T): T {
  const asked = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)].includes('--enable-source-maps');
  if (asked || !process.sourceMapsEnabled) return load();
  process.setSourceMapsEnabled(false);
  try {
    return load();
  } finally {
    process.setSourceMapsEnabled(true);
  }
}
