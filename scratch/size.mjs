import * as esbuild from 'esbuild'; import { gzipSync } from 'node:zlib';
const r = await esbuild.build({ stdin: { contents: "export * from 'reprise'", resolveDir: process.cwd() }, bundle: true, platform: 'browser', format: 'esm', write: false, minify: true, external: ['@tensorflow/*'], logLevel: 'silent', metafile: true });
console.log(r.outputFiles[0].contents.length, gzipSync(r.outputFiles[0].contents, { level: 9 }).length);
const ins = Object.entries(Object.values(r.metafile.outputs)[0].inputs).sort((a,b)=>b[1].bytesInOutput-a[1].bytesInOutput).slice(0,60); for (const [k,v] of ins) console.log(v.bytesInOutput, k);
