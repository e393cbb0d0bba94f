/**
 * What we know of KonPro, HeyGen's clone with slash paths: the one place its browser adapter and server half
 * read it from (the shape is HeyGen's, `HeygenFamilyFacts`). Browser-safe: no key, header or server-only path.
 */
import { pathsOf, type HeygenFamilyFacts } from '../heygen/facts.js';

const slashed = (name: string) => `/v1/streaming/${name}`;

export const KONPRO_FACTS: HeygenFamilyFacts = {
  provider: 'konpro',
  name: 'KonPro',
  defaultBaseUrl: 'https://api.konpro.ai',
  paths: pathsOf(slashed),
  // UNCERTAIN (providers.md §0, §2.2): KonPro's success code is undocumented (it may answer `{error, data}`
  // without a code), so 0 and 200 count as success beside HeyGen's 100.
  successCodes: [100, 200, 0],
  // UNCERTAIN (providers.md §2.2): KonPro documents only "v1" (default "v1"); which transport that gives is
  // not said. KonPro is also assumed to use HeyGen's 400006 for a closed session.
  version: 'v1',
  sttProviders: ['deepgram', 'gladia', 'assembly_ai'],
  taskTypes: { repeat: 'repeat', chat: 'chat' },
};
