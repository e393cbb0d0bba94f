/**
 * The CDN build (`cdn/`, made by `npm run build`), as a script-tag page loads it. Chunk names are found by
 * reading the build itself: the entry `import()`s one plugin chunk per transport, and each plugin chunk
 * `import()`s its SDK chunk.
 */
export const CDN_ENTRY = '/cdn/streaming-avatar.js';

export interface TransportChunks {
  /** e.g. `/cdn/chunks/livekit-<hash>.js` */
  plugin: string;
  /** e.g. `/cdn/chunks/livekit-client.esm-<hash>.js` */
  sdk: string;
}

async function source(url: string): Promise<string> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} (run \`npm run build\` first; \`npm test\` does)`);
  return response.text();
}

function dynamicImports(code: string, base: string): string[] {
  return [...code.matchAll(/import\(\s*["'](\.[^"']+)["']\s*\)/g)].map((match) => new URL(match[1]!, new URL(base, location.href)).pathname);
}

/** The plugin and SDK chunks of the `livekit`, `agora` and `trtc` transports. */
export async function cdnChunks(): Promise<Record<'livekit' | 'agora' | 'trtc', TransportChunks>> {
  const plugins = dynamicImports(await source(CDN_ENTRY), CDN_ENTRY);
  const find = async (name: string): Promise<TransportChunks> => {
    const plugin = plugins.find((path) => new RegExp(`/${name}-[^/.]+\\.js$`).test(path));
    if (!plugin) throw new Error(`The CDN entry imports no ${name} plugin chunk (${plugins.join(', ')})`);
    // The microphone helpers are not among them: the entry's loader (microphone-loader.ts) imports those.
    const [sdk, ...more] = dynamicImports(await source(plugin), plugin);
    if (!sdk || more.length > 0) throw new Error(`${plugin} should import exactly one SDK chunk`);
    return { plugin, sdk };
  };
  return { livekit: await find('livekit'), agora: await find('agora'), trtc: await find('trtc') };
}
