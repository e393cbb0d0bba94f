import { expect } from '@open-wc/testing';
import { openBackend, type Backend } from '../helpers/money-backend.js';
import { navigateAwayMidCreate, type NavigationRound } from '../helpers/navigation-rounds.js';

/**
 * A page navigated away while its create is in flight: its pagehide beacon reaches the real server (the
 * test backend, in Node) and names the create's requestId, `{provider, requestId}`, or, when the answer
 * came first, the whole stop `{provider, sessionId, requestId}`. That the server then stops the session is
 * the server's half: test/browser/navigation-leaves-nothing.test.ts.
 */

const ROUNDS = 20;

describe('navigation away mid-create', function () {
  this.timeout(120_000);
  let backend: Backend;
  beforeEach(() => {
    backend = openBackend();
  });
  afterEach(() => backend.close());

  it('the pagehide beacon names the requestId of the create in flight (20 rounds)', async () => {
    const rounds: NavigationRound[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const result = await navigateAwayMidCreate(backend, round);
      const { stop, requestId } = result;
      if (result.sawSession) {
        const made = (await backend.census()).creates.find((create) => create.requestId === requestId);
        expect(stop.sessionId, `round ${round}: the session that create made`).to.equal(made?.sessionId);
        expect(stop.provider).to.equal('heygen');
      } else {
        expect(stop, `round ${round}: the beacon of a create in flight`).to.deep.equal({ provider: 'heygen', requestId });
      }
      rounds.push(result);
    }
    // The scenario is about leaving mid-create: most rounds must have.
    expect(rounds.filter((r) => !r.sawSession).length, 'rounds that left mid-create').to.be.at.least(ROUNDS / 2);
    // Every create the server saw was one of these (a page may leave before its request is even sent).
    const { creates } = await backend.census();
    expect(rounds.map((r) => r.requestId)).to.include.members(creates.map((c) => c.requestId));
  });
});
