export * from './native-package.js';
export * from './native-location.js';
export * from './native-manifest.js';
export * from './native-threads.js';
export * from './load-native-package.js';
export * from './probe-native-backend.js';
export * from './native-builder-contract.js';
export * from './tensorflow-log.js';
