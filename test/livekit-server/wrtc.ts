// libwebrtc for Node (@roamhq/wrtc, CommonJS with a prebuilt binary), loaded once for the media peers.
import { createRequire } from 'node:module';

export type Wrtc = typeof import('@roamhq/wrtc');

let loaded: Wrtc | undefined;

export function wrtc(): Wrtc {
  loaded ??= createRequire(import.meta.url)('@roamhq/wrtc') as Wrtc;
  return loaded;
}
