// Global setup of the browser tests: build the real server, create a leader, an
// analyst and a rep, start `terrane serve` on 127.0.0.1:0 with a fresh SQLite
// database and hand the URL to the tests.
//
// TERRANE_BIN uses a prebuilt binary instead of `go build`; TERRANE_E2E_URL
// points the tests at a server that is already running (users must exist).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startProxy } from './proxy';

const here = path.dirname(fileURLToPath(import.meta.url));
export const frontendDir = path.resolve(here, '..');
const repo = path.resolve(frontendDir, '..');

export const users = {
  admin: { name: 'ada', password: 'ada-e2e-password', role: 'admin' },
  leader: { name: 'lee', password: 'lee-e2e-password', role: 'leader' },
  analyst: { name: 'ana', password: 'ana-e2e-password', role: 'analyst' },
  rep: { name: 'rita', password: 'rita-e2e-password', role: 'rep', territory: 'CA' },
};

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    apiURL: string;
    servedBy: string;
  }
}

let server: ChildProcess | null = null;
let tmp = '';
let stopProxy: (() => Promise<void>) | null = null;

function run(bin: string, args: string[], cwd = repo): string {
  try {
    return execFileSync(bin, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(bin)} ${args.join(' ')} failed:\n${err.stderr ?? ''}${err.stdout ?? ''}${err.message}`);
  }
}

function waitForURL(p: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error('terrane serve printed no url= line within ' + timeoutMs + ' ms:\n' + log)), timeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      const m = log.match(/url=(http:\/\/[^\s"]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    p.stdout?.on('data', onData);
    p.stderr?.on('data', onData);
    p.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`terrane serve exited with ${code}:\n${log}`));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!existsSync(path.join(frontendDir, 'dist', 'index.html'))) {
    throw new Error('frontend/dist/index.html is missing: run `npm run build` first (npm run test:e2e does).');
  }
  let api = process.env.TERRANE_E2E_URL ?? '';
  if (!api) {
    tmp = mkdtempSync(path.join(tmpdir(), 'terrane-e2e-'));
    let bin = process.env.TERRANE_BIN ?? '';
    if (!bin) {
      bin = path.join(tmp, 'terrane');
      // The binary embeds frontend/dist, so it is built after `vite build`.
      run('go', ['build', '-o', bin, './cmd/terrane']);
    }
    const db = 'sqlite:' + path.join(tmp, 't.db');
    for (const u of Object.values(users)) {
      const args = ['users', 'add', '--name', u.name, '--role', u.role, '--password', u.password, '--db', db];
      if ('territory' in u) args.push('--territory', u.territory);
      run(bin, args);
    }
    server = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--db', db], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
    api = await waitForURL(server, 120_000);
  }
  // The server mounts the built app at / (frontend.FS). Until it does, a small
  // proxy serves dist/ and forwards /api to the real server, and says so.
  let base = api;
  let servedBy = 'terrane';
  const res = await fetch(api + '/').catch(() => null);
  const body = res ? await res.text() : '';
  if (!res || !res.ok || !body.includes('id="root"')) {
    const p = await startProxy(path.join(frontendDir, 'dist'), api);
    base = p.url;
    stopProxy = p.stop;
    servedBy = 'proxy';
    console.warn(`[e2e] ${api}/ does not serve the web app yet; serving frontend/dist through a proxy at ${base}`);
  }
  project.provide('baseURL', base);
  project.provide('apiURL', api);
  project.provide('servedBy', servedBy);
  return async () => {
    await stopProxy?.();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          server?.kill('SIGKILL');
          r(null);
        }, 10_000);
        server?.on('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}
