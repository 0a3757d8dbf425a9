import { atDocumentation } from '../at.js';
import { ceDocumentation } from '../ce.js';
import { cosineDocumentation } from '../cosine.js';
import { crdDocumentation } from '../crd.js';
import { distDocumentation } from '../dist.js';
import { dkdDocumentation } from '../dkd.js';
import { hintDocumentation } from '../hint.js';
import { hintonDocumentation } from '../hinton.js';
import { nstDocumentation } from '../nst.js';
import { pktDocumentation } from '../pkt.js';
import { rkdDocumentation } from '../rkd.js';
import { spDocumentation } from '../sp.js';
import type { LossDocumentation } from './loss-documentation.js';

/** The documentation of every loss of this package, in the order of `allLosses`. */
export const allLossDocumentation: readonly LossDocumentation[] = [
  ceDocumentation,
  hintonDocumentation,
  dkdDocumentation,
  distDocumentation,
  hintDocumentation,
  atDocumentation,
  spDocumentation,
  rkdDocumentation,
  pktDocumentation,
  nstDocumentation,
  crdDocumentation,
  cosineDocumentation,
];
