/**
 * `@kdlab/native`: builds kdlab's optional native backend. `@tensorflow/tfjs-node` cannot install
 * where its install script cannot download libtensorflow (air-gapped clusters); this package builds
 * its addon instead against a TensorFlow C library already on disk (a TensorFlow wheel, a
 * libtensorflow tarball or folder), fetching only from the npm registry. `kdlab native build` runs
 * {@link buildNativeBackend}; kdlab's backend choice then loads the result from `.kdlab/native`.
 *
 * @packageDocumentation
 */
export * from './build-native-backend.js';
// Reading wheels, tarballs and folders
export * from './archive/archive-member.js';
export * from './archive/zip-archive.js';
export * from './archive/tar-archive.js';
export * from './archive/folder-archive.js';
export * from './archive/open-library-archive.js';
// Finding a TensorFlow library
export * from './discovery/host-platform.js';
export * from './discovery/library-source.js';
export * from './discovery/classify-source-name.js';
export * from './discovery/search-locations.js';
export * from './discovery/find-library-sources.js';
export * from './discovery/choose-library-source.js';
export * from './discovery/format-source-choice.js';
// Deciding the build layout
export * from './layout/plan-library-layout.js';
export * from './layout/include-closure.js';
export * from './layout/gyp-settings.js';
export * from './layout/native-dir-layout.js';
// Build steps and tools
export * from './install/fetch-native-package.js';
export * from './install/place-library.js';
export * from './install/read-addon-sources.js';
export * from './install/build-addon.js';
export * from './install/build-ops.js';
export * from './toolchain/find-npm-tools.js';
export * from './toolchain/find-node-headers.js';
export * from './toolchain/check-build-tools.js';
export * from './toolchain/run-logged.js';
