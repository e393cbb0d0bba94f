// The fault matrix (see test/helpers/fault-rows.ts for the rows, test/helpers/fault-matrix.ts for the checks).
// Rows that need the browser's default autoplay policy run from autoplay-blocked/fault-matrix-autoplay.test.ts.
import { expect } from '@open-wc/testing';
import { checkFault } from '../helpers/fault-matrix.js';
import { FAULTS } from '../helpers/fault-rows.js';
import { installMediaCensus } from '../helpers/media-census.js';

installMediaCensus();

describe('fault matrix', function () {
  this.timeout(30_000);
  const rows = FAULTS.filter((row) => (row.group ?? 'main') === 'main');

  it('has a row for every fault of the main group, each with a unique name', () => {
    expect(rows.length).to.be.greaterThan(30);
    expect(new Set(FAULTS.map((row) => row.name)).size).to.equal(FAULTS.length);
  });

  for (const row of rows) {
    const outcome = row.expect.code ?? 'no error';
    it(`${row.name} → ${outcome}, state ${row.expect.state}, clean teardown`, () => checkFault(row));
  }
});
