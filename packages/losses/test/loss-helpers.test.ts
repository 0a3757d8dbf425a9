import type { LossHelperOptions } from '@kdlab/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ce, ceLoss, hinton, hintonLoss } from '../src/index.js';

describe('experiment helpers', () => {
  it('hinton({ temperature, weight }) returns plain JSON data that the options schema accepts', () => {
    const term = hinton({ temperature: 3, weight: 0.7 });
    expect(term).toEqual({ kind: 'hinton', temperature: 3, weight: 0.7 });
    expect(JSON.parse(JSON.stringify(term))).toEqual(term);
    const { kind, weight, ...options } = term;
    expect([kind, weight]).toEqual(['hinton', 0.7]);
    expect(hintonLoss.options.parse(options)).toEqual({ temperature: 3 });
  });

  it('ce() with no options gives the defaults when parsed', () => {
    const { kind, ...options } = ce();
    expect(kind).toBe('ce');
    expect(ceLoss.options.parse(options)).toEqual({ labelSmoothing: 0 });
  });

  it('types the helpers from the schemas (checked by tsc -p tsconfig.spec.json)', () => {
    expectTypeOf(hinton({ temperature: 2 }).kind).toEqualTypeOf<'hinton'>();
    expectTypeOf(ce({ labelSmoothing: 0.1 }).kind).toEqualTypeOf<'ce'>();
    expectTypeOf<Parameters<typeof hinton>[0]>().toEqualTypeOf<LossHelperOptions<typeof hintonLoss.options> | undefined>();
    // @ts-expect-error a misspelt option is a type error in an experiment file
    hinton({ temprature: 2 });
    // @ts-expect-error temperature is a number
    hinton({ temperature: '4' });
    // @ts-expect-error ce has no temperature
    ce({ temperature: 4 });
    expect(hinton.name.length).toBeGreaterThanOrEqual(0);
  });
});
