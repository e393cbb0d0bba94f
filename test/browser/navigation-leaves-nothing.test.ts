import { openBackend, type Backend } from '../helpers/money-backend.js';
import { expectNothingRunning, navigateAwayMidCreate } from '../helpers/navigation-rounds.js';

/**
 * A page navigated away while its create is in flight leaves no vendor session running: the beacon's
 * `{provider, requestId}` lets the server stop the session that create made, now or when it arrives.
 * The handler runs with `clientAbort: false` (it does not see the page leave), so only the beacon can.
 */

const ROUNDS = 20;

describe('navigation away mid-create (element + server)', function () {
  this.timeout(180_000);
  let backend: Backend;
  beforeEach(() => {
    backend = openBackend({ clientAbort: false });
  });
  afterEach(() => backend.close());

  it('leaves no vendor session running (20 rounds)', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      await navigateAwayMidCreate(backend, round);
      await expectNothingRunning(backend, `round ${round}`);
    }
  });
});
