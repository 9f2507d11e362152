import * as tf from '#tfjs-core';

/** The tensor backends reprise can run on, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl';

// Backend selection is per platform (package.json `imports`): tfjs-node, wasm, cpu in
// Node (./backend-node.ts); webgl, wasm, cpu in browsers and workers (./backend-browser.ts).
export { initBackend, nativeBackendAvailable } from '#backend-select';

let gpuBuild = false;

/** Set by the Node backend selection when the native backend is a GPU build. */
export function setNativeGpuBuild(gpu: boolean): void {
  gpuBuild = gpu;
}

/** The backend tfjs is using now (`tf.getBackend()`), for recording in checkpoints. */
export function currentBackend(): string {
  return tf.getBackend();
}

/** The device tag of tensors on the current backend: `cpu` except under a native GPU build. */
export function currentDeviceTag(): string {
  const backend = tf.getBackend();
  return backend === 'tensorflow' && gpuBuild ? 'cuda:0' : 'cpu';
}

/** Device tags this process can hold tensors on. */
export function servableDeviceTags(): Set<string> {
  const tags = new Set(['cpu']);
  const own = currentDeviceTag();
  tags.add(own);
  return tags;
}

/** The backend to record in a checkpoint header: the one tfjs has initialised, or `''` if none yet. */
export function recordedBackend(): string {
  return (tf.engine() as unknown as { backendName: string | null }).backendName ?? '';
}
