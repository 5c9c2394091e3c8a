// A static server for frontend/dist that forwards /api and /healthz to the
// real server: used only while the server does not serve the app itself.
import http from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.json': 'application/json',
};

export function startProxy(dist: string, api: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const target = new URL(api);
  const srv = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/') || url === '/healthz') {
      const p = http.request({ host: target.hostname, port: target.port, path: url, method: req.method, headers: { ...req.headers, host: target.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      p.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      req.pipe(p);
      return;
    }
    let f = path.join(dist, decodeURIComponent(url.split('?')[0]));
    if (!f.startsWith(dist) || !existsSync(f) || statSync(f).isDirectory()) f = path.join(dist, 'index.html');
    res.writeHead(200, { 'Content-Type': types[path.extname(f)] ?? 'application/octet-stream' });
    createReadStream(f).pipe(res);
  });
  return new Promise((resolve) => {
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${a.port}`, stop: () => new Promise((r) => srv.close(() => r())) });
    });
  });
}
