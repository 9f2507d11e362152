// Bundles app.js with esbuild (platform browser, `reprise` through its browser condition)
// and serves it on 127.0.0.1. Usage: npm run build && node examples/browser/serve.mjs [port]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export async function startExampleServer(port = 0) {
  const built = await esbuild.build({ entryPoints: [here + 'app.js'], bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, logLevel: 'silent' });
  const files = { '/': [fs.readFileSync(here + 'index.html'), 'text/html'], '/app.js': [built.outputFiles[0].contents, 'text/javascript'] };
  const server = http.createServer((req, res) => {
    const file = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(file[0]);
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const { url } = await startExampleServer(Number(process.argv[2] ?? 0));
  console.log(`reprise browser example at ${url} (Ctrl-C to stop)`);
}
