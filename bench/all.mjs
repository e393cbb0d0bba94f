// npm run bench — builds, then runs every bench in sequence: start, size, leak, and chroma when that bench
// exists (bench/chroma.mjs). Each one prints its table and adds its key to bench/results.json.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './harness.mjs';

const run = (label, command, args) => {
  console.log(`\n[bench] ${label}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  if (result.status !== 0) {
    console.error(`[bench] ${label} failed`);
    process.exitCode = 1;
  }
  return result.status === 0;
};

if (!run('build', join(root, 'node_modules/.bin/rollup'), ['-c', 'rollup.config.mjs', '--silent'])) process.exit(1);
for (const name of ['start', 'size', 'leak', 'chroma']) {
  const file = join(root, 'bench', `${name}.mjs`);
  if (existsSync(file)) run(`bench:${name}`, process.execPath, [file]);
}
