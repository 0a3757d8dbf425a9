import type { z } from 'zod';
import type { atOptions } from './at.js';
import type { ceOptions } from './ce.js';
import type { cosineOptions } from './cosine.js';
import type { crdOptions } from './crd.js';
import type { distOptions } from './dist.js';
import type { dkdOptions } from './dkd.js';
import type { hintOptions } from './hint.js';
import type { hintonOptions } from './hinton.js';
import type { nstOptions } from './nst.js';
import type { pktOptions } from './pkt.js';
import type { rkdOptions } from './rkd.js';
import type { spOptions } from './sp.js';

declare module '@kdlab/core' {
  /** The losses of `@kdlab/losses`, so raw terms such as `{ kind: 'hint', student: 'block4', teacher: 'block2' }` are type-checked in experiment files. */
  interface KnownLosses {
    /** Options of the `ce` loss. */
    ce: z.input<typeof ceOptions>;
    /** Options of the `hinton` loss. */
    hinton: z.input<typeof hintonOptions>;
    /** Options of the `dkd` loss. */
    dkd: z.input<typeof dkdOptions>;
    /** Options of the `dist` loss. */
    dist: z.input<typeof distOptions>;
    /** Options of the `hint` loss. */
    hint: z.input<typeof hintOptions>;
    /** Options of the `at` loss. */
    at: z.input<typeof atOptions>;
    /** Options of the `sp` loss. */
    sp: z.input<typeof spOptions>;
    /** Options of the `rkd` loss. */
    rkd: z.input<typeof rkdOptions>;
    /** Options of the `pkt` loss. */
    pkt: z.input<typeof pktOptions>;
    /** Options of the `nst` loss. */
    nst: z.input<typeof nstOptions>;
    /** Options of the `crd` loss. */
    crd: z.input<typeof crdOptions>;
    /** Options of the `cosine` loss. */
    cosine: z.input<typeof cosineOptions>;
  }
}
