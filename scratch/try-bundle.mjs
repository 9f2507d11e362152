import * as esbuild from 'esbuild';
const r = await esbuild.build({ entryPoints: [process.argv[2]], bundle: true, platform: 'browser', format: 'esm', write: false, minify: true, logLevel: 'silent',
  external: ['@tensorflow/*'], conditions: ['browser'] }).catch(e => { for (const m of e.errors) console.log(m.text, m.location?.file); process.exit(1); });
console.log('ok', r.outputFiles[0].contents.length);
