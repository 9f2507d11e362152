/**
 * Packs the repository with `npm pack` (as `npm publish` would, minus the prepack
 * rebuild: the test suite runs on a fresh `npm run build`) and lays out a consumer
 * project that installs the tarball offline.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);

export interface PackedTarball {
  /** Absolute path of the `.tgz`. */
  file: string;
  /** Paths inside the package, as `npm pack --json` lists them. */
  files: string[];
}

/** `npm pack` of the repository into `dir`. */
export async function packRepository(dir: string): Promise<PackedTarball> {
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: repoRoot,
    maxBuffer: 64 << 20,
  });
  const [report] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  return { file: path.join(dir, report!.filename), files: report!.files.map((f) => f.path) };
}

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  link?: boolean;
  [key: string]: unknown;
}

/**
 * Writes a consumer project in `dir` depending on the tarball and `@tensorflow/tfjs`,
 * with a package-lock.json that pins every package to the version the repository's
 * own lock installed (its production entries; devDependencies left out), so that
 * `npm ci --offline` can install it from the npm cache alone: the cache holds those
 * tarballs because the repository's install just ran, but not the registry metadata
 * that resolving version ranges would need.
 */
export function writeConsumerProject(dir: string, tarball: string, packageJson: Record<string, unknown>): void {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const spec = `file:${path.relative(dir, tarball)}`;
  const tfjs = lock.packages['node_modules/@tensorflow/tfjs']!.version!;
  const dependencies = { reprise: spec, '@tensorflow/tfjs': tfjs };
  const packed = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  const reprise: Record<string, unknown> = {
    version: packed.version,
    resolved: spec,
    integrity: `sha512-${createHash('sha512').update(fs.readFileSync(tarball)).digest('base64')}`,
  };
  for (const key of ['license', 'dependencies', 'optionalDependencies', 'peerDependencies', 'peerDependenciesMeta', 'bin', 'engines']) {
    if (packed[key] !== undefined) reprise[key] = packed[key];
  }
  const packages: Record<string, unknown> = { '': { name: 'consumer', version: '1.0.0', dependencies }, 'node_modules/reprise': reprise };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (key === '' || entry.dev || entry.link) continue;
    const { dev: _dev, devOptional: _devOptional, ...rest } = entry;
    packages[key] = rest;
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, ...packageJson, dependencies }, null, 2));
  fs.writeFileSync(
    path.join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

/** The first ```ts block after the README heading `heading`. */
export function readmeExample(heading: string): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`README.md has no heading "${heading}"`);
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`README.md has no ts block after "${heading}"`);
  return match[1]!;
}

export { run };
