/**
 * `@kdlab/export`: `kdlab export`: a saved model as a static page that loads and predicts in a browser (esbuild bundles the page; its `browser` entry is what runs there), the export manifest and the sample file it reads, and a small static server.
 *
 * @packageDocumentation
 */
export * from './sample-file.js';
export * from './predict-samples.js';
export * from './export-manifest.js';
export * from './resolve-model-source.js';
export * from './load-test-samples.js';
export * from './bundle-page.js';
export * from './page-html.js';
export * from './export-model.js';
export * from './predict-export-folder.js';
export * from './serve-folder.js';
