import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const ENGINE_DOOR = path.join(root, 'dist/src/index.d.ts');
const CL_DOOR = path.join(root, 'dist/src/cl/index.d.ts');

/** At most about 90 names (values and types) at the root: the engine, not the continual-learning layer. */
const ROOT_NAME_LIMIT = 90;

/** Every name (value or type) a door's declaration file exports, as a user's `import { … }` sees it. */
function exportedNames(): { engine: string[]; cl: string[] } {
  const program = ts.createProgram([ENGINE_DOOR, CL_DOOR], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const names = (file: string) => {
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
    return checker.getExportsOfModule(symbol).map((s) => s.getName()).sort();
  };
  return { engine: names(ENGINE_DOOR), cl: names(CL_DOOR) };
}

describe('the two doors: reprise (engine) and reprise/cl', () => {
  const { engine, cl } = exportedNames();

  it(`reprise exports at most ${ROOT_NAME_LIMIT} names, the engine's`, async () => {
    assert.ok(engine.length <= ROOT_NAME_LIMIT, `reprise exports ${engine.length} names: ${engine.join(', ')}`);
    for (const name of ['serialize', 'deserialize', 'save', 'load', 'serializable', 'constructorSerialized', 'registerCodec',
      'registerFunction', 'Registry', 'Device', 'MapLocation', 'initBackend', 'saveCheckpoint', 'maybeLoadCheckpoint',
      'CheckpointPlugin', 'CheckpointStorage', 'FileSystemCheckpointStorage', 'MemoryCheckpointStorage', 'DeserializeOptions',
      'CheckpointError', 'CheckpointFormatError', 'UsageError', 'ErrorCode', 'ERROR_CODES']) {
      assert.ok(engine.includes(name), `reprise does not export ${name}`);
    }
    const runtime = Object.keys(await import('../../src/index.js')).sort();
    assert.ok(runtime.every((n) => engine.includes(n)), 'every runtime export is declared');
  });

  it('reprise/cl holds the continual-learning layer, and no name is exported by both doors', async () => {
    for (const name of ['SplitMNIST', 'SplitGaussianBlobs', 'SimpleMLP', 'asMultitask', 'Naive', 'SupervisedTemplate', 'ReplayPlugin',
      'EWCPlugin', 'LwFPlugin', 'SynapticIntelligencePlugin', 'GDumbPlugin', 'CWRStarPlugin', 'EvaluationPlugin', 'accuracyMetrics',
      'lossMetrics', 'forgettingMetrics', 'InteractiveLogger', 'TextLogger', 'CSVLogger', 'TensorboardLogger', 'BaseLogger', 'RNGManager']) {
      assert.ok(cl.includes(name), `reprise/cl does not export ${name}`);
      assert.ok(!engine.includes(name), `reprise exports the continual-learning name ${name}`);
    }
    const both = engine.filter((n) => cl.includes(n));
    assert.deepEqual(both, [], `exported by both doors: ${both.join(', ')}`);
    const runtime = Object.keys(await import('../../src/cl/index.js'));
    assert.ok(runtime.length > 40 && runtime.every((n) => cl.includes(n)));
  });
});
