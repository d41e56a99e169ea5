// Starts the real FhirTrial server binary on a free loopback port with a throwaway SQLite file.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** FHIRTRIAL_SERVER_DLL, else the newest of the Debug and Release builds of src/FhirTrial.Server. */
export function serverDll() {
  if (process.env.FHIRTRIAL_SERVER_DLL) {
    if (!existsSync(process.env.FHIRTRIAL_SERVER_DLL)) throw new Error(`FHIRTRIAL_SERVER_DLL=${process.env.FHIRTRIAL_SERVER_DLL} does not exist.`);
    return process.env.FHIRTRIAL_SERVER_DLL;
  }
  const candidates = ['Debug', 'Release']
    .map((c) => join(REPO_ROOT, 'src', 'FhirTrial.Server', 'bin', c, 'net10.0', 'FhirTrial.Server.dll'))
    .filter((p) => existsSync(p))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!candidates.length) throw new Error('The server is not built: run `dotnet build src/FhirTrial.Server` first (or set FHIRTRIAL_SERVER_DLL).');
  return candidates[0];
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

export async function startServer({ timeoutMs = 240_000 } = {}) {
  const dll = serverDll();
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'fhirtrial-dashboard-'));
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const child = spawn('dotnet', [dll, '--urls', base, '--Storage:Provider', 'sqlite', '--Storage:ConnectionString', `Data Source=${join(folder, 'fhir.db')}`], {
    cwd: folder,
    env: { ...process.env, DOTNET_NOLOGO: '1', ASPNETCORE_ENVIRONMENT: 'Production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 400) log.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code) => { exited = code ?? -1; });

  const stop = async () => {
    if (exited === null) {
      child.kill('SIGTERM');
      await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 10_000))]);
      if (exited === null) child.kill('SIGKILL');
    }
    rmSync(folder, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== null) {
      await stop();
      throw new Error(`The server exited with code ${exited} before it was ready:\n${log.join('')}`);
    }
    try {
      // Ready, not only listening: data requests wait for the validator's warm-up, and on a busy machine that wait
      // can outlast the server's own start-up limit (503).
      // bounded: whatever answers on the port (another process may hold it if ours could not bind) must not hang the run
      const response = await fetch(`${base}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return { base, stop, log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`The server was not ready (/health/ready) within ${timeoutMs} ms:\n${log.join('')}`);
}
