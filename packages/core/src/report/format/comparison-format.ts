/** The output formats of `kdlab compare`. */
export const COMPARISON_FORMATS = ['table', 'markdown', 'csv', 'json', 'html'] as const;

/** One output format of `kdlab compare`. */
export type ComparisonFormat = (typeof COMPARISON_FORMATS)[number];
