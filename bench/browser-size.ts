import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Target for the engine's browser build (issue 14), tfjs excluded. */
export const BROWSER_BUNDLE_TARGET_BYTES = 30 * 1024;

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** `reprise` as a browser bundler builds it: esbuild, platform browser, tfjs external. */
function buildOptions(minify: Pick<esbuild.BuildOptions, 'minify' | 'minifyIdentifiers' | 'minifySyntax'>): esbuild.BuildOptions & { write: false; metafile: true } {
  return {
    stdin: { contents: "export * from 'reprise';", resolveDir: repoRoot, loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false as const,
    metafile: true as const,
    // tfjs, also where reprise reaches it through its own package.json imports (#tfjs-core, #tfjs-layers).
    external: ['@tensorflow/*', '#tfjs-*'],
    logLevel: 'silent',
    ...minify,
  };
}

const gzipped = (bytes: Uint8Array | string): number => gzipSync(bytes, { level: 9 }).byteLength;

/**
 * Size of `reprise` as a browser bundler builds it: esbuild, platform browser, minified,
 * tfjs external; gzip level 9. Deterministic, so no contention caveat. `inputs`: the
 * minified bytes each file contributes, largest first.
 */
export async function browserBundleSize(): Promise<{ minified: number; gzipped: number; inputs: [string, number][] }> {
  const result = await esbuild.build(buildOptions({ minify: true }));
  const out = result.outputFiles[0]!.contents;
  const inputs = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs)
    .map(([file, { bytesInOutput }]): [string, number] => [file, bytesInOutput])
    .sort((a, b) => b[1] - a[1]);
  return { minified: out.byteLength, gzipped: gzipped(out), inputs };
}

const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;

/**
 * Where the gzipped bytes go, for deciding what to shrink: each file's share is what
 * gzip -9 of the whole bundle loses when that file's code is left out (so code that
 * repeats what is near it costs little), and `strings` what it loses when every string
 * literal is emptied (mostly error messages). An estimate: the files are minified one by
 * one (esbuild marks them only in unminified output), so the parts do not add up to
 * the total exactly.
 */
export async function browserBundleShares(): Promise<{ total: number; strings: number; files: [string, number][] }> {
  const result = await esbuild.build(buildOptions({ minifyIdentifiers: true, minifySyntax: true }));
  const parts = result.outputFiles[0]!.text.split(/^\/\/ (\S+)$/m);
  const chunks: [string, string][] = [];
  for (let i = 1; i < parts.length; i += 2) {
    // The last part also holds the bundle's `export { … }`, which alone does not parse: kept as it is.
    const code = await esbuild.transform(parts[i + 1]!, { minifyWhitespace: true, loader: 'js' }).then((r) => r.code, () => parts[i + 1]!);
    const file = parts[i]!.replace(/^dist\/src\//, '');
    const same = chunks.find((c) => c[0] === file); // esbuild marks a file once per part
    if (same) same[1] += code;
    else chunks.push([file, code]);
  }
  const join = (skip?: string, transform = (code: string) => code): string => chunks.map(([f, c]) => (f === skip ? '' : transform(c))).join('');
  const total = gzipped(join());
  const files = chunks.map(([f]): [string, number] => [f, total - gzipped(join(f))]).sort((a, b) => b[1] - a[1]);
  return { total, strings: total - gzipped(join(undefined, (c) => c.replace(STRING_LITERAL, '""'))), files };
}

/** Long string literals: in this build, the error and warning messages. */
export const MESSAGE_MIN_LENGTH = 40;

/**
 * The minified bundle gzipped as it is, with every string literal emptied, and with only
 * those of {@link MESSAGE_MIN_LENGTH} characters or more emptied (the messages): what the
 * code weighs without its text. The bundle no longer runs, it is only weighed.
 */
export async function browserBundleWithoutText(): Promise<{ gzipped: number; noStrings: number; noMessages: number }> {
  const result = await esbuild.build(buildOptions({ minify: true }));
  const code = result.outputFiles[0]!.text;
  return {
    gzipped: gzipped(code),
    noStrings: gzipped(code.replace(STRING_LITERAL, '""')),
    noMessages: gzipped(code.replace(STRING_LITERAL, (s) => (s.length >= MESSAGE_MIN_LENGTH ? '""' : s))),
  };
}

export function browserBundleLine(size: { minified: number; gzipped: number }): string {
  const ok = size.gzipped <= BROWSER_BUNDLE_TARGET_BYTES ? 'within' : 'OVER';
  return `browser bundle (reprise, tfjs external): ${(size.minified / 1024).toFixed(1)} KB minified, ${(size.gzipped / 1024).toFixed(1)} KB gzipped — ${ok} the ${BROWSER_BUNDLE_TARGET_BYTES / 1024} KB target`;
}

// `node dist/bench/browser-size.js [--inputs] [--shares]`: the line; with --inputs the files by
// minified bytes; with --shares each file's share of the gzipped bytes, that of string literals,
// and the gzipped bytes without string literals or without the messages.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await browserBundleSize();
  process.stdout.write(browserBundleLine(size) + '\n');
  if (process.argv.includes('--inputs')) {
    for (const [file, bytes] of size.inputs) if (bytes > 0) process.stdout.write(`${String(bytes).padStart(7)}  ${file}\n`);
  }
  if (process.argv.includes('--shares')) {
    const shares = await browserBundleShares();
    process.stdout.write(`gzipped share (estimate, of ${shares.total} B): string literals ${shares.strings} B\n`);
    for (const [file, bytes] of shares.files) if (bytes > 0) process.stdout.write(`${String(bytes).padStart(7)}  ${file}\n`);
    const text = await browserBundleWithoutText();
    process.stdout.write(
      `gzipped without text: ${text.noStrings} B with every string literal emptied, ${text.noMessages} B with those of ${MESSAGE_MIN_LENGTH}+ characters (the messages) emptied, of ${text.gzipped} B\n`,
    );
  }
}
