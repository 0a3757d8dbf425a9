import { fileURLToPath } from 'node:url';

/** A plugin package's browser entry: the module that registers its custom layers, browser-safe. */
export interface BrowserEntry {
  /** The package, e.g. `@kdlab/students`. */
  readonly packageName: string;
  /** The file `<package>/browser` resolves to. */
  readonly file: string;
}

/** The subpath a plugin package exports its custom layers under, for pages (see {@link findBrowserEntries}). */
export const BROWSER_ENTRY_SUBPATH = 'browser';

/**
 * The browser entries (`<package>/browser`) of plugin packages: the modules a page must import before
 * `tf.loadLayersModel` so that the packages' custom layers are registered. A package without one (it
 * has no custom layers, as `@kdlab/losses`) is left out; a file path (`./my-plugin.ts`) has none.
 *
 * @param packages - package names, as `--plugin` takes them.
 */
export function findBrowserEntries(packages: readonly string[]): BrowserEntry[] {
  const entries: BrowserEntry[] = [];
  for (const packageName of packages) {
    if (packageName.startsWith('.') || packageName.startsWith('/')) continue;
    let url: string;
    try {
      url = import.meta.resolve(`${packageName}/${BROWSER_ENTRY_SUBPATH}`);
    } catch {
      continue;
    }
    if (url.startsWith('file:')) entries.push({ packageName, file: fileURLToPath(url) });
  }
  return entries;
}

/** The page's own script, as source (run from `src/`) or compiled (run from `dist/`). */
function pageRuntimeFile(): string {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./page/page-runtime${extension}`, import.meta.url));
}

/**
 * Bundles the exported page's script with esbuild: TensorFlow.js (core, layers, the cpu and wasm
 * backends), the custom layers of each browser entry, and the page's own script, as one minified
 * script (`kdlab-export.js`, about 0.8 MB). Workspace packages are read from their TypeScript sources
 * (the `@kdlab/source` condition); `@kdlab/core` is its browser part (`browser` condition).
 *
 * @param entries - the plugin packages' browser entries (see {@link findBrowserEntries}).
 * @returns the script.
 * @throws Error with esbuild's messages when the bundle cannot be built.
 */
export async function bundleExportPage(entries: readonly BrowserEntry[]): Promise<Uint8Array> {
  const esbuild = await import('esbuild');
  const lines = [
    ...entries.map((entry) => `import ${JSON.stringify(entry.file)};`),
    `import { runExportPage } from ${JSON.stringify(pageRuntimeFile())};`,
    'runExportPage();',
  ];
  const result = await esbuild.build({
    stdin: { contents: lines.join('\n'), loader: 'js', resolveDir: fileURLToPath(new URL('.', import.meta.url)), sourcefile: 'kdlab-export-entry.js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    conditions: ['@kdlab/source'],
    minify: true,
    legalComments: 'eof',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild wrote no bundle for the exported page.');
  return output.contents;
}
