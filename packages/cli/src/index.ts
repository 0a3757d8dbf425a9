/**
 * `@kdlab/cli`: the `kdlab` command: `run`, `list`, `compare`, `sync`, `push`, `export`, `native`. The only package that knows all the others.
 *
 * @packageDocumentation
 */
export * from './main.js';
export * from './exit-codes.js';
export * from './prepare-experiment.js';
