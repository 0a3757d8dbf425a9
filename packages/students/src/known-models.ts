import type { z } from 'zod';
import type { cnnOptions } from './cnn.js';
import type { fitnetOptions } from './fitnet.js';
import type { mlpOptions } from './mlp.js';
import type { resnetOptions } from './resnet.js';
import type { transformerOptions } from './transformer.js';

declare module '@kdlab/core' {
  /** The model families of `@kdlab/students`, so raw specs such as `{ kind: 'resnet', depth: 32 }` are type-checked in experiment files. */
  interface KnownModels {
    /** Options of the `mlp` family. */
    mlp: z.input<typeof mlpOptions>;
    /** Options of the `cnn` family. */
    cnn: z.input<typeof cnnOptions>;
    /** Options of the `fitnet` family. */
    fitnet: z.input<typeof fitnetOptions>;
    /** Options of the `resnet` family. */
    resnet: z.input<typeof resnetOptions>;
    /** Options of the `transformer` family. */
    transformer: z.input<typeof transformerOptions>;
  }
}
