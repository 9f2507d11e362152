import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Target for the engine's browser build (issue 14), tfjs excluded. */
export const BROWSER_BUNDLE_TARGET_BYTES = 30 * 1024;

/**
 * Size of `reprise` as a browser bundler builds it: esbuild, platform browser, minified,
 * tfjs external; gzip level 9. Deterministic, so no contention caveat. `inputs`: the
 * minified bytes each file contributes, largest first.
 */
export async function browserBundleSize(): Promise<{ minified: number; gzipped: number; inputs: [string, number][] }> {
  const result = await esbuild.build({
    stdin: { contents: "export * from 'reprise';", resolveDir: fileURLToPath(new URL('../../', import.meta.url)), loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    // tfjs, also where reprise reaches it through its own package.json imports (#tfjs-core, #tfjs-layers).
    external: ['@tensorflow/*', '#tfjs-*'],
    logLevel: 'silent',
  });
  const out = result.outputFiles[0]!.contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
    .map(([file, { bytesInOutput }]): [string, number] => [file, bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
  return { minified: out.byteLength, gzipped: gzipSync(out, { level: 9 }).byteLength, inputs };
}

export function browserBundleLine(size: { minified: number; gzipped: number }): string {
  const ok = size.gzipped <= BROWSER_BUNDLE_TARGET_BYTES ? 'within' : 'OVER';
  return `browser bundle (reprise, tfjs external): ${(size.minified / 1024).toFixed(1)} KB minified, ${(size.gzipped / 1024).toFixed(1)} KB gzipped — ${ok} the ${BROWSER_BUNDLE_TARGET_BYTES / 1024} KB target`;
}

// `node dist/bench/browser-size.js [--inputs]`: the line, and with --inputs the files by minified bytes.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await browserBundleSize();
  process.stdout.write(browserBundleLine(size) + '\n');
  if (process.argv.includes('--inputs')) {
    for (const [file, bytes] of size.inputs) if (bytes > 0) process.stdout.write(`${String(bytes).padStart(7)}  ${file}\n`);
  }
}
