/** The fake vendors, one line each (each lives in its vendor's folder, src/vendors/<name>/fake.ts). */
import { createAkoolFake } from '../vendors/akool/fake.js';
import { createDeepbrainFake } from '../vendors/deepbrain/fake.js';
import { createHeygenVendorFake } from '../vendors/heygen/fake.js';
import { createKonproFake } from '../vendors/konpro/fake.js';
import type { FakeDeps, FakeVendorModule } from './vendor.js';

export const FAKE_VENDORS = {
  heygen: createHeygenVendorFake,
  konpro: createKonproFake,
  deepbrain: createDeepbrainFake,
  akool: createAkoolFake,
} satisfies Record<string, (deps: FakeDeps) => FakeVendorModule>;
