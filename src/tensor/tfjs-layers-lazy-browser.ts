/**
 * `#tfjs-layers-lazy` outside Node (package.json `imports`): @tensorflow/tfjs-layers itself,
 * imported at once — a browser cannot load a module synchronously on first need, and
 * bundlers keep tfjs out of reprise's bundle anyway — so {@link loadTfjsLayers} has
 * nothing left to do. In Node it is ./tfjs-layers-lazy-node.ts.
 */
export * from '@tensorflow/tfjs-layers';

/** Nothing: the package was imported with this module. */
export function loadTfjsLayers(): void {}
