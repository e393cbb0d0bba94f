// Set-up shared by `npm start` and `npm test`: installs what is missing, using Node built-ins only
// (it runs before node_modules exists).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
  }
}

/** `npm ci` when node_modules is missing or older than the lockfile. */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const stale = !existsSync(marker) || (existsSync(lock) && statSync(lock).mtimeMs > statSync(marker).mtimeMs + 1000);
  if (!stale) return;
  console.log('[setup] installing dependencies (npm ci)…');
  run('npm', [existsSync(lock) ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

/** Whether apt-get can install packages here (root, or password-less sudo), and the prefix to run it with. */
function aptAccess() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasAptGet = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  const hasSudo = !isRoot && spawnSync('sh', ['-c', 'command -v sudo && sudo -n true'], { stdio: 'ignore' }).status === 0;
  return hasAptGet && (isRoot || hasSudo) ? { sudo: !isRoot } : undefined;
}

let aptUpdated = false;

/** Installs Debian packages with apt-get (running `apt-get update` once per run). */
function aptInstall(access, packages) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => (access.sudo ? run('sudo', ['-n', 'apt-get', ...args], { env }) : run('apt-get', args, { env }));
  if (!aptUpdated) apt(['update', '-qq']);
  aptUpdated = true;
  apt(['install', '-y', '-qq', ...packages]);
}

/** Finds Chromium; installs Debian's package with apt-get where none is found and apt-get can run. */
export function ensureChromium() {
  if (process.env.CHROME_PATH && existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
  const found = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (found) return found;
  const access = aptAccess();
  if (!access) {
    throw new Error(
      'No Chromium found. Install Debian\'s "chromium" package (apt-get install -y chromium) or set CHROME_PATH.',
    );
  }
  console.log("[setup] installing Debian's chromium with apt-get…");
  aptInstall(access, ['chromium']);
  const installed = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (!installed) throw new Error('apt-get finished but no chromium binary was found.');
  return installed;
}

const redisPath = () => spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim() || undefined;

/**
 * Finds redis-server (the ledger's Redis tests run against a real one); installs Debian's package with
 * apt-get where it is missing and apt-get can run. Fails, never skips: CI must run those tests.
 */
export function ensureRedis() {
  const found = redisPath();
  if (found) return found;
  const access = aptAccess();
  if (!access) {
    throw new Error('No redis-server found, and apt-get cannot run here. Install Debian\'s "redis-server" package (apt-get install -y redis-server): the Node tests need it.');
  }
  console.log("[setup] installing Debian's redis-server with apt-get…");
  aptInstall(access, ['redis-server']);
  const installed = redisPath();
  if (!installed) throw new Error('apt-get finished but no redis-server binary was found.');
  return installed;
}

/** Whether a Redis answers PING on the port (raw RESP, no client needed). */
async function pings(port) {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('error', () => undefined);
  });
}

/**
 * Starts redis-server on a free loopback port, in memory only (no dump, no append log, no output kept:
 * a pipe nobody reads would stall it); answers its URL and how to stop it. The Node tests get the URL as
 * REDIS_URL, or start their own with this when run alone.
 */
export async function startRedis(binary = ensureRedis()) {
  const { createServer } = await import('node:net');
  const { spawn } = await import('node:child_process');
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: 'ignore' });
  let exited = false;
  child.once('exit', () => (exited = true));
  for (const end = Date.now() + 10_000; !(await pings(port)); await new Promise((resolve) => setTimeout(resolve, 50))) {
    if (exited || Date.now() > end) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port} within 10 s.`);
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (exited) return resolve();
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

export function chromiumVersion(path) {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown version';
  }
}
