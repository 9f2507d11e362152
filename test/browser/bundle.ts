import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `reprise` bundled as a browser bundler sees it: esbuild, platform browser (the
 * `browser` condition of `exports`, no `node` condition), no shims, tfjs external unless
 * `withTfjs`. Returns the code, its minified+gzipped size and the files it was built from.
 */
export async function bundleForBrowser(
  entry = "export * from 'reprise';",
  options: { minify?: boolean; withTfjs?: boolean } = {},
): Promise<{ code: string; bytes: number; gzipped: number; inputs: string[] }> {
  const result = await esbuild.build({
    stdin: { contents: entry, resolveDir: repoRoot, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    minify: options.minify ?? true,
    external: options.withTfjs ? [] : ['@tensorflow/*', '#tfjs-*'],
    logLevel: 'silent',
    metafile: true,
  });
  const out = result.outputFiles[0]!.contents;
  const inputs = Object.keys(result.metafile.inputs);
  return { code: new TextDecoder().decode(out), bytes: out.byteLength, gzipped: gzipSync(out, { level: 9 }).byteLength, inputs };
}
