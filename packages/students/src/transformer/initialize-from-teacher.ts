import type { Model, TeacherInitStrategy } from '@kdlab/core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { LayersModelAdapter } from '../layers/layers-model-adapter.js';
import { describeArchitecture, encoderLayerCount, encoderLayerPart, wrapsLayersModel } from './describe-transformer.js';

/** A student weight and the teacher weight it takes. */
interface WeightPair {
  student: tfl.LayerVariable;
  teacher: tfl.LayerVariable;
}

/**
 * The transformer's teacher initialisation, `every-other-layer` (DistilBERT, Sanh et al. 2019):
 * the student takes the teacher's embeddings (token or patch projection, `[CLS]` token, position
 * table and their norm), its head (final norm, logits) and, for its encoder layer `i` (0-based),
 * the teacher's layer `2i`. A student with `ceil(L / 2)` layers of an `L`-layer teacher takes
 * layers 0, 2, 4, ...; a student with all `L` layers takes each one (a plain copy). Every weight,
 * trainable or not, is copied.
 *
 * Everything is checked before anything is copied: the teacher must be a transformer built by
 * this family with the same hidden size, heads, feed-forward size, tokens and norm placement, or
 * the error names both architectures and the first weight that does not fit.
 *
 * @param student - the transformer being initialised.
 * @param teacher - the trained teacher.
 * @param strategy - `every-other-layer`.
 */
export function initializeTransformerFromTeacher(student: LayersModelAdapter, teacher: Model, strategy: TeacherInitStrategy): void {
  if (strategy !== 'every-other-layer') {
    throw new Error(`transformer.initializeFrom: unknown strategy "${String(strategy)}"; the transformer supports "every-other-layer".`);
  }
  const mismatch = (detail: string) =>
    new Error(`transformer.initializeFrom: cannot initialise ${describeArchitecture(student)} from the teacher ${describeArchitecture(teacher)}: ${detail}.`);
  if (!wrapsLayersModel(teacher) || teacher.kind !== 'transformer') throw mismatch('the teacher is not a transformer');
  const stride = layerStride(encoderLayerCount(student), encoderLayerCount(teacher), mismatch);
  const teacherLayers = new Map(teacher.layersModel.layers.map((layer) => [layer.name, layer]));
  const pairs: WeightPair[] = [];
  const sharedNames = new Set<string>();
  for (const layer of student.layersModel.layers) {
    if (layer.weights.length === 0) continue;
    const part = encoderLayerPart(layer.name);
    const teacherName = part === undefined ? layer.name : `layer${(part.index - 1) * stride + 1}_${part.part}`;
    if (part === undefined) sharedNames.add(layer.name);
    const source = teacherLayers.get(teacherName);
    if (source === undefined) throw mismatch(`the teacher has no layer "${teacherName}" for the student's "${layer.name}"`);
    if (source.weights.length !== layer.weights.length) {
      throw mismatch(`layer "${teacherName}" has ${source.weights.length} weight(s), the student's "${layer.name}" ${layer.weights.length}`);
    }
    layer.weights.forEach((weight, index) => {
      const from = source.weights[index]!;
      if (from.shape.join() !== weight.shape.join()) {
        throw mismatch(`weight "${from.originalName}" is [${from.shape.join(', ')}], the student's "${weight.originalName}" is [${weight.shape.join(', ')}]`);
      }
      pairs.push({ student: weight, teacher: from });
    });
  }
  const unmatched = teacher.layersModel.layers.find((layer) => layer.weights.length > 0 && encoderLayerPart(layer.name) === undefined && !sharedNames.has(layer.name));
  if (unmatched !== undefined) throw mismatch(`the student has no layer "${unmatched.name}"`);
  for (const { student: target, teacher: source } of pairs) target.write(source.read());
}

/** Teacher layers per student layer: 1 for a same-depth student, 2 for a half-depth one. */
function layerStride(studentLayers: number, teacherLayers: number, mismatch: (detail: string) => Error): 1 | 2 {
  if (studentLayers === teacherLayers) return 1;
  if (studentLayers === Math.ceil(teacherLayers / 2)) return 2;
  throw mismatch(
    `"every-other-layer" needs a student with ${Math.ceil(teacherLayers / 2)} layers (every other of the teacher's ${teacherLayers}) ` +
      `or ${teacherLayers} (a plain copy), the student has ${studentLayers}`,
  );
}
