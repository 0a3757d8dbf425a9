// Text datasets: mail-body extraction (headers, MIME, HTML), a WordPiece tokenizer trained here,
// and the `spam-assassin` dataset.
export * from './mail-headers.js';
export * from './transfer-encoding.js';
export * from './html-text.js';
export * from './mail-text.js';
export * from './pre-tokenize.js';
export * from './special-tokens.js';
export * from './train-wordpiece.js';
export * from './wordpiece-tokenizer.js';
export * from './text-cache.js';
export * from './spam-assassin-corpus.js';
export * from './tokenized-text-dataset.js';
export * from './spam-assassin.js';
