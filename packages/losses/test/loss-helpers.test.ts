import type { KnownLossTerm, LossHelperOptions } from '@kdlab/core';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { allLosses, at, ce, ceLoss, cosine, crd, dist, dkd, hint, hinton, hintonLoss, nst, pkt, rkd, sp } from '../src/index.js';

describe('experiment helpers', () => {
  it('hinton({ temperature, weight }) returns plain JSON data that the options schema accepts', () => {
    const term = hinton({ temperature: 3, weight: 0.7 });
    expect(term).toEqual({ kind: 'hinton', temperature: 3, weight: 0.7 });
    expect(JSON.parse(JSON.stringify(term))).toEqual(term);
    const { kind, weight, ...options } = term;
    expect([kind, weight]).toEqual(['hinton', 0.7]);
    expect(hintonLoss.options.parse(options)).toEqual({ temperature: 3, perTeacher: false });
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

  it('every helper makes a term its loss schema accepts, typed from the schema (checked by tsc -p tsconfig.spec.json)', () => {
    const pairs = [{ student: 'block2', teacher: 'block3' }];
    const terms = [
      dkd({ beta: 8, warmupEpochs: 20 }),
      dist({ temperature: 4 }),
      hint({ student: 'block4', teacher: 'block2', regressor: 'conv3x3' }),
      at({ pairs, weight: 1000 }),
      sp({ pairs }),
      rkd({ student: 'embedding', teacher: 'embedding' }),
      pkt({ student: 'embedding', teacher: 'embedding' }),
      nst({ pairs, degree: 2 }),
      crd({ student: 'penultimate', teacher: 'penultimate', negatives: 4096 }),
      cosine({ student: 'hidden', teacher: 'hidden' }),
    ];
    for (const term of terms) {
      const { kind, weight, ...options } = term;
      const definition = allLosses.find((loss) => loss.id === kind);
      expect(definition?.options.safeParse(options).success, kind).toBe(true);
      expect(weight === undefined || typeof weight === 'number').toBe(true);
    }
    expectTypeOf(hint({ student: 'a', teacher: 'b' }).kind).toEqualTypeOf<'hint'>();
    expectTypeOf(crd({ student: 'a', teacher: 'b' }).kind).toEqualTypeOf<'crd'>();
    // @ts-expect-error hint needs the teacher tap
    hint({ student: 'a' });
    // @ts-expect-error the regressor is one of the listed kinds
    hint({ student: 'a', teacher: 'b', regressor: 'conv5x5' });
    // @ts-expect-error at takes pairs of taps, not a single student tap
    at({ student: 'a' });
    // @ts-expect-error dkd's warm-up is a number of epochs
    dkd({ warmupEpochs: '20' });
  });

  it('declares every loss in KnownLosses, so raw terms are type-checked too (checked by tsc -p tsconfig.spec.json)', () => {
    const terms: KnownLossTerm[] = [
      { kind: 'hint', student: 'block4', teacher: 'block2', regressor: 'auto' },
      { kind: 'crd', student: 'a', teacher: 'b', negatives: 4096, weight: 0.8 },
      { kind: 'at', pairs: [{ student: 'a', teacher: 'b' }] },
      // @ts-expect-error rkd has no temperature
      { kind: 'rkd', student: 'a', teacher: 'b', temperature: 4 },
    ];
    for (const { kind, weight, ...options } of terms) {
      const definition = allLosses.find((loss) => loss.id === kind);
      expect(definition?.options.safeParse(options).success, kind).toBe(kind !== 'rkd');
      expect(weight === undefined || typeof weight === 'number').toBe(true);
    }
  });
});
