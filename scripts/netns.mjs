// Runs a command inside a loopback-only network namespace (`unshare -n` as root, `unshare -rn` otherwise,
// then `ip link set lo up`), so every WebRTC ICE pair of the browser tests is 127.0.0.1 ↔ 127.0.0.1.
// `node scripts/netns.mjs <command> [args…]`; the test runner imports `namespaced()` for its browser step.
import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { pathToFileURL } from 'node:url';

const LO_UP = 'ip link set lo up 2>/dev/null || ifconfig lo up';

/** Whether this process already has no network interface but loopback. */
export function inLoopbackNamespace() {
  return Object.values(networkInterfaces()).every((addresses) => (addresses ?? []).every((a) => a.internal));
}

/**
 * The command and arguments that run `command args` in a loopback-only namespace, or the reason none can
 * be made here.
 */
export function namespaced(command, args) {
  if (inLoopbackNamespace()) return { command, args };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const flags = isRoot ? ['-n'] : ['-rn'];
  const probe = spawnSync('unshare', [...flags, 'sh', '-c', LO_UP], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? String(probe.error.message) : (probe.stderr || `exit code ${probe.status}`).trim();
    return { error: `\`unshare ${flags.join(' ')}\` failed (${why})` };
  }
  return { command: 'unshare', args: [...flags, 'sh', '-c', `${LO_UP} && exec "$0" "$@"`, command, ...args] };
}

/** A banner that cannot be missed in a test log. */
export function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '!'.repeat(width);
  return [bar, ...lines.map((l) => `! ${l.padEnd(width - 4)} !`), bar].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: node scripts/netns.mjs <command> [args…]');
    process.exit(2);
  }
  const run = namespaced(command, args);
  if (run.error) {
    console.error(banner(['NO LOOPBACK-ONLY NETWORK NAMESPACE: ' + run.error, 'Running on the host network: the LiveKit (WebRTC) tests will fail and say why.']));
  }
  const result = spawnSync(run.command ?? command, run.args ?? args, { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
