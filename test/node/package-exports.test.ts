// The published package, as users get it: `npm pack`, install the tarball into a fresh project, then
// resolve and import every `exports` entry in Node, type-check an import of each, and bundle and run
// the browser entries in Chromium. Entries come from package.json, so a new one (`./server`) is covered
// as soon as it is listed there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import { launchChromium, newPage } from '../helpers/chromium.js';
import { serveDirectory } from '../helpers/static-server.js';

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, string | Record<string, string>>;
  devDependencies: Record<string, string>;
};

/** Entries for server code only: resolved and imported in Node, never bundled for the browser. */
const SERVER_ONLY = new Set(['./server', './server/redis']);

const entries = Object.keys(pkg.exports);
const specifier = (key: string) => (key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`);
const isJson = (key: string) => key.endsWith('.json');
const typesOf = (key: string) => {
  const target = pkg.exports[key]!;
  return typeof target === 'string' ? undefined : target.types;
};

let work: string;
let project: string;
let tarballFiles: string[];

const run = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(() => {
  work = mkdtempSync(join(tmpdir(), 'streaming-avatar-pack-'));
  // The build is the one `npm test` made; --ignore-scripts so packing never rebuilds.
  const [packed] = JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], root)) as {
    filename: string;
    files: { path: string }[];
  }[];
  tarballFiles = packed!.files.map((f) => f.path);
  project = join(work, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'pack-check', private: true, type: 'module' }));
  // React is the wrapper's optional peer; everything comes from npm's cache when it is warm.
  run(
    'npm',
    [
      'install',
      join(work, packed!.filename),
      `react@${pkg.devDependencies.react}`,
      `react-dom@${pkg.devDependencies['react-dom']}`,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--no-package-lock',
    ],
    project,
  );
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the builds, the manifest and the docs, and no sources, tests, demo or secrets', () => {
  for (const file of ['package.json', 'README.md', 'custom-elements.json', 'vscode.html-custom-data.json', 'dist/index.js', 'dist/index.d.ts', 'cdn/streaming-avatar.js']) {
    assert.ok(tarballFiles.includes(file), `${file} is in the tarball`);
  }
  const unwanted = tarballFiles.filter((f) =>
    /^(src|test|demo|scripts|examples|docs|\.ci|node_modules|\.build)\//.test(f) || /(^|\/)\.env|\.(pem|key|tgz)$|secret/i.test(f),
  );
  assert.deepEqual(unwanted, []);
});

test('every exports entry resolves inside the installed package and imports in Node', () => {
  // Copied into the project: Node resolves bare specifiers from the importing file's folder.
  copyFileSync(join(root, 'test/fixtures/packed/import-entries.mjs'), join(project, 'import-entries.mjs'));
  const out = run(process.execPath, ['import-entries.mjs', ...entries.map(specifier)], project);
  const report = JSON.parse(out) as { specifier: string; resolved: string | null; exports: string[] | null; error: string | null }[];
  const installed = join(project, 'node_modules', pkg.name);
  for (const entry of report) {
    assert.equal(entry.error, null, `${entry.specifier}: ${entry.error}`);
    assert.ok(entry.resolved?.startsWith(installed + '/'), `${entry.specifier} resolves into the installed package`);
    assert.ok(existsSync(entry.resolved!), `${entry.resolved} exists`);
  }
  const exportsOf = (key: string) => report.find((r) => r.specifier === specifier(key))!.exports!;
  assert.ok(exportsOf('.').includes('StreamingAvatarElement'));
  assert.ok(exportsOf('./react').includes('StreamingAvatar'));
  assert.ok(exportsOf('./server').includes('memoryStore'));
  // Loads without the optional `redis` peer installed: it takes the app's client, imports nothing.
  assert.deepEqual(exportsOf('./server/redis'), ['redisStore']);
});

test('every JS entry has types, and TypeScript (nodenext) resolves each through exports', () => {
  const installed = join(project, 'node_modules', pkg.name);
  const jsEntries = entries.filter((key) => !isJson(key) && key !== './package.json');
  for (const key of jsEntries) {
    const types = typesOf(key);
    assert.ok(types, `${key} has a types condition`);
    assert.ok(existsSync(join(installed, types!)), `${key}: ${types} is in the package`);
  }
  writeFileSync(
    join(project, 'check.ts'),
    jsEntries.map((key, i) => `import type * as entry${i} from '${specifier(key)}';\nexport type Entry${i} = typeof entry${i};\n`).join(''),
  );
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, lib: ['es2022', 'dom'], types: [] },
      files: ['check.ts'],
    }),
  );
  try {
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  } catch (error) {
    assert.fail(`tsc: ${(error as { stdout?: string }).stdout ?? error}`);
  }
});

test('the browser entries bundle from the installed package and run in Chromium', async () => {
  const browserEntries = entries.filter((key) => !isJson(key) && key !== './package.json' && !SERVER_ONLY.has(key));
  const page = join(work, 'page');
  mkdirSync(page);
  writeFileSync(
    join(project, 'browser-entry.js'),
    [
      ...browserEntries.map((key, i) => `import * as entry${i} from '${specifier(key)}';`),
      `window.entries = { ${browserEntries.map((key, i) => `'${key}': Object.keys(entry${i})`).join(', ')} };`,
    ].join('\n'),
  );
  // A bundler resolves through `exports` with browser conditions, as an app's build would.
  const bundle = (entry: string, outfile: string, external: string[] = []) =>
    build({
      entryPoints: [join(project, entry)],
      absWorkingDir: project,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      outfile,
      define: { 'process.env.NODE_ENV': '"production"' },
      external,
      logLevel: 'error',
    });
  // The SDKs are optional peers a page installs with the transport it uses; this page starts no SDK
  // transport, so it bundles without them.
  await bundle('browser-entry.js', join(page, 'bundle.js'), ['livekit-client', 'agora-rtc-sdk-ng', 'trtc-sdk-v5', 'trtc-sdk-v5/*']);
  writeFileSync(join(page, 'index.html'), '<!doctype html><script type="module" src="./bundle.js"></script>');

  // Without any SDK installed, an app that imports only the core entries still bundles: the core never
  // names an optional peer (a bundler fails on an import of a package that is missing).
  const coreEntries = browserEntries.filter((key) => !key.startsWith('./transports/'));
  writeFileSync(join(project, 'core-entry.js'), coreEntries.map((key) => `import '${specifier(key)}';`).join('\n'));
  await bundle('core-entry.js', join(work, 'core-bundle.js'));

  const server = await serveDirectory(page);
  const browser = await launchChromium();
  try {
    const { page: tab, errors } = await newPage(browser);
    await tab.goto(server.url);
    await tab.waitForFunction(() => 'entries' in window, { timeout: 10000 });
    const result = await tab.evaluate(async () => {
      const element = document.createElement('streaming-avatar') as HTMLElement & { start(): Promise<void>; state: string };
      document.body.append(element);
      await element.start();
      return { entries: (window as unknown as { entries: Record<string, string[]> }).entries, defined: Boolean(customElements.get('streaming-avatar')), state: element.state };
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(Object.keys(result.entries).sort(), [...browserEntries].sort());
    assert.ok(result.entries['.']!.includes('StreamingAvatarElement'));
    assert.ok(result.entries['./react']!.includes('StreamingAvatar'));
    assert.ok(result.entries['./transports/livekit'], 'the transport install entries bundle');
    assert.equal(result.defined, true, './define registered the tag');
    assert.equal(result.state, 'connected', 'the packed element starts the local provider');
  } finally {
    await browser.close();
    await server.close();
  }
});
