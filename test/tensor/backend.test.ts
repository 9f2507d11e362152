import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { currentBackend, initBackend, nativeBackendAvailable } from '../../src/tensor/index.js';

describe('initBackend', () => {
  it('refuses an unknown backend and one that cannot start, keeping the one in use', async () => {
    const chosen = await initBackend({ quiet: true });
    assert.equal(chosen, process.env.REPRISE_BACKEND ?? (nativeBackendAvailable() ? 'tensorflow' : 'wasm'));
    await assert.rejects(initBackend({ preferred: 'gpu' as never, quiet: true }), (e: unknown) => e instanceof CheckpointError && e.code === 'BACKEND_UNAVAILABLE');
    if (!nativeBackendAvailable()) {
      await assert.rejects(initBackend({ preferred: 'tensorflow', quiet: true }), (e: unknown) => e instanceof CheckpointError && e.code === 'BACKEND_UNAVAILABLE' && /tfjs-node/.test(e.message));
    }
    assert.equal(currentBackend(), chosen, 'a refused request does not change the backend');
  });
});
