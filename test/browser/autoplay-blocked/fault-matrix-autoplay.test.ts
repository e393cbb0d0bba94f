// The fault matrix's autoplay rows. They live in the shared table (test/helpers/fault-rows.ts) and are judged
// by the same checks, but run here: this group's Chromium keeps the default autoplay policy (the main group
// allows autoplay, so the fault could not happen there), and its own page has had no user gesture yet.
import { expect } from '@open-wc/testing';
import { checkFault } from '../../helpers/fault-matrix.js';
import { FAULTS } from '../../helpers/fault-rows.js';
import { installMediaCensus } from '../../helpers/media-census.js';

installMediaCensus();

describe('fault matrix (default autoplay policy)', function () {
  this.timeout(30_000);
  const rows = FAULTS.filter((row) => row.group === 'autoplay-blocked');

  it('has the autoplay rows', () => expect(rows.length).to.be.greaterThan(0));

  for (const row of rows) {
    it(`${row.name} → ${row.expect.code ?? 'no error'}, state ${row.expect.state}, clean teardown`, () => checkFault(row));
  }
});
