import { pluginModule } from '@kdlab/core';
import { mlpModel } from './mlp.js';

/** Every model family of `@kdlab/students`, in the order they are registered. */
export const studentModels = [mlpModel] as const;

/** The inversify module that registers every model family of `@kdlab/students` (`createRootContainer(studentsModule)`). */
export const studentsModule = pluginModule({ models: studentModels });
