/** Fake KonPro: the fake HeyGen (../heygen/fake.ts) with KonPro's table (paths, versions, envelopes). */
import { json } from '../../fake-vendor/http.js';
import { createHeygenFake, dotPaths, type Dialect } from '../heygen/fake.js';
import type { FakeDeps, FakeVendorModule } from '../../fake-vendor/vendor.js';

/** KonPro: slash paths, `{code, message}` failures (its `create_token` uses `{error, data}`; see below). */
export const FAKE_KONPRO: Dialect = {
  vendor: 'konpro',
  paths: dotPaths('/'),
  versions: [undefined, 'v1'],
  sttProviders: ['deepgram', 'gladia', 'assembly_ai'],
  taskTypes: ['repeat', 'chat'],
  sdkFields: false,
  bindOnFirstUse: true,
  failure: (status, code, message) => json(status, { code, message }),
};

export const createKonproFake = (deps: FakeDeps): FakeVendorModule => createHeygenFake(deps, FAKE_KONPRO);
