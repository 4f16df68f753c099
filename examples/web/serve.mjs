// A small static server for the preview page (no dependencies).
//
//   node examples/web/serve.mjs [--port 8080] [--package bindings/wasm]
//
// Serves this folder at / and the commissio package (a folder holding package.json and
// dist/, e.g. bindings/wasm after bindings/wasm/build.sh, or node_modules/commissio) at
// /node_modules/commissio/, which is where the page's import map looks. Localhost only.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.comp': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

const PREFIX = '/node_modules/commissio/';

function inside(base, rel) {
  const p = normalize(join(base, rel));
  return p === base || p.startsWith(base + sep) ? p : null;
}

/** Starts the server; resolves to `{ url, close() }`. */
export function serve({ root, packageDir, port = 0, host = '127.0.0.1' }) {
  const webRoot = resolve(root);
  const pkgRoot = resolve(packageDir);
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      let file;
      if (path.startsWith(PREFIX)) file = inside(pkgRoot, path.slice(PREFIX.length));
      else file = inside(webRoot, path === '/' ? 'index.html' : path.slice(1));
      if (file === null) {
        res.writeHead(403).end('forbidden');
        return;
      }
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const { port: p } = server.address();
      ok({ url: `http://${host}:${p}/`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = dirname(fileURLToPath(import.meta.url));
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const { url } = await serve({
    root: here,
    packageDir: arg('package', join(here, '../../bindings/wasm')),
    port: Number(arg('port', '8080')),
  });
  console.log(`Commissio preview: ${url} (Ctrl-C stops)`);
}
