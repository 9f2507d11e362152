import './checkpoint-state.js';
export { RNGManager, RandomGeneratorManager, MATH_RANDOM_GENERATOR, LIBRARY_GENERATOR } from './rng-manager.js';
export type { RandomGeneratorDefinition, RNGState } from './rng-manager.js';
export { permutation, randomInt, shuffleInPlace, standardNormal } from './sampling.js';
export type { UniformSource } from './sampling.js';
