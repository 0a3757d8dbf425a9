import type { StudyDefinition } from '../page/study.js';
import hintonMnistFull from './hinton-mnist-full.js';
import compression from './compression.js';
import distilbertSpam from './distilbert-spam.js';
import ensembleToOne from './ensemble-to-one.js';
import fitnetsDepth from './fitnets-depth.js';
import fitnetsMnist from './fitnets-mnist.js';
import lessData from './less-data.js';
import omittedThree from './omitted-three.js';
import temperatureByWidth from './temperature-by-width.js';

/** The studies of the results page, in page order. */
export const STUDIES: readonly StudyDefinition[] = [hintonMnistFull, temperatureByWidth, omittedThree, lessData, ensembleToOne, fitnetsMnist, fitnetsDepth, distilbertSpam, compression];
