// kdlab's datasets: the contracts, the built-in datasets (mnist-10k, mnist, fashion-mnist, cifar10,
// cifar100), their file formats and locations, seeded stratified splits and the batcher.
export * from './dataset.js';
export * from './define-dataset.js';
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
export * from './ustar.js';
export * from './cifar-format.js';
export * from './cifar-class-names.js';
export * from './cifar-datasets.js';
export * from './batcher.js';
export * from './datasets-module.js';
