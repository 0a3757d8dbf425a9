import { pluginModule } from '@kdlab/core';
import { cnnModel } from './cnn.js';
import { fitnetModel } from './fitnet.js';
import { mlpModel } from './mlp.js';
import { resnetModel } from './resnet.js';
import { transformerModel } from './transformer.js';

/** Every model family of `@kdlab/students`, in the order they are registered. */
export const studentModels = [mlpModel, cnnModel, fitnetModel, resnetModel, transformerModel] as const;

/** The inversify module that registers every model family of `@kdlab/students` (`createRootContainer(studentsModule)`). */
export const studentsModule = pluginModule({ models: studentModels });

/** The name under which the `kdlab` CLI finds this package's plugins (`--plugin @kdlab/students`). */
export const kdlabModule = studentsModule;
