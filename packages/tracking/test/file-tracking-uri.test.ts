import { describe, expect, it } from 'vitest';
import { parseFileTrackingUri } from '../src/mlruns/file-tracking-uri.js';

describe('parseFileTrackingUri', () => {
  const cwd = '/work/project';

  it.each([
    ['./mlruns', '/work/project/mlruns'],
    ['mlruns', '/work/project/mlruns'],
    ['/data/mlruns', '/data/mlruns'],
    ['file:./mlruns', '/work/project/mlruns'],
    ['file:mlruns', '/work/project/mlruns'],
    ['file:../other/mlruns', '/work/other/mlruns'],
    ['file:/data/mlruns', '/data/mlruns'],
    ['file:///data/mlruns', '/data/mlruns'],
    ['file://localhost/data/mlruns', '/data/mlruns'],
    ['FILE:///data/my%20runs', '/data/my runs'],
    ['file:///data/mlruns/', '/data/mlruns'],
  ])('reads %s as %s', (uri, expected) => {
    expect(parseFileTrackingUri(uri, cwd)).toBe(expected);
  });

  it.each([
    ['', /empty/],
    ['http://localhost:5000', /not a local store.*'http:'/],
    ['s3://bucket/mlruns', /scheme 's3:'/],
    ['file://server/share/mlruns', /names host 'server'/],
    ['file:///data?x=1', /query or fragment/],
    ['file:///data/%zz', /malformed percent-escape/],
  ])('rejects %j', (uri, message) => {
    expect(() => parseFileTrackingUri(uri, cwd)).toThrow(message);
  });
});
