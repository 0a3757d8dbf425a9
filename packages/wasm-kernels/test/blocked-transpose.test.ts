import { describe, expect, it } from 'vitest';
import { blockedTransposePays, transposeMatricesBlocked } from '../src/wasm/blocked-transpose.js';

describe('transposeMatricesBlocked', () => {
  it('transposes a batch of matrices whose sides are not multiples of the tile', () => {
    const [batch, rows, columns] = [3, 37, 45];
    const source = Float32Array.from({ length: batch * rows * columns }, (_, index) => index);
    const target = new Float32Array(source.length);
    transposeMatricesBlocked(source, target, batch, rows, columns);
    for (let matrix = 0; matrix < batch; matrix++) {
      for (let row = 0; row < rows; row++) {
        for (let column = 0; column < columns; column++) {
          expect(target[matrix * rows * columns + column * rows + row]).toBe(source[matrix * rows * columns + row * columns + column]);
        }
      }
    }
  });

  it('is chosen only for wide, large matrices', () => {
    expect(blockedTransposePays(128, 12_544)).toBe(true);
    expect(blockedTransposePays(1200, 1200)).toBe(false);
    expect(blockedTransposePays(16, 4096)).toBe(false);
  });
});
