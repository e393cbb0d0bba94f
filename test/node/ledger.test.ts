// The session ledger and its store, one suite run against the in-memory store and a real redis-server.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CapacityReached, Ledger, RequestIdUsed, StoppedBeforeCreate, type LedgerTimes } from '../../src/server/ledger.js';
import { memoryStore, type KeyValueStore } from '../../src/server/store.js';
import { useRedis } from './support/redis.js';

const TIMES: LedgerTimes = { createMs: 60_000, keepMs: 300_000, maxSessionMs: 600_000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const id = () => crypto.randomUUID();

function ledgerSuite(name: string, makeStore: () => KeyValueStore) {
  describe(`ledger on ${name}`, () => {
    let time = 1_000_000;
    const clock = () => time;
    const ledgerOn = (store: KeyValueStore) => new Ledger(store, clock, TIMES);

    it('store: get, set with a time to live, delete, and an atomic counter whose first increment sets the expiry', async () => {
      const store = makeStore();
      assert.equal((await store.get('absent')) ?? undefined, undefined);
      await store.set('k', 'v', 60_000);
      assert.equal(await store.get('k'), 'v');
      await store.delete('k');
      assert.equal((await store.get('k')) ?? undefined, undefined);
      await store.set('short', 'v', 40);
      assert.deepEqual(await Promise.all([1, 2, 3, 4, 5].map(() => store.increment('n', 40))).then((values) => values.sort()), [1, 2, 3, 4, 5]);
      await sleep(120);
      assert.equal((await store.get('short')) ?? undefined, undefined, 'expired');
      assert.equal(await store.increment('n', 40), 1, 'the counter expired with the expiry its first increment set');
      assert.equal(await store.increment('forever'), 1);
      assert.equal(await store.get('forever'), '1');
    });

    it('records a create, refuses a second use of its requestId, and a create whose stop came first', async () => {
      const ledger = ledgerOn(makeStore());
      const requestId = id();
      const record = await ledger.begin({ vendor: 'akool', requestId, caps: {} });
      assert.equal(record.state, 'creating');
      assert.deepEqual(await ledger.get(requestId), record);
      await assert.rejects(ledger.begin({ vendor: 'akool', requestId, caps: {} }), RequestIdUsed);
      const early = id();
      await ledger.askStop(early);
      await assert.rejects(ledger.begin({ vendor: 'akool', requestId: early, caps: {} }), StoppedBeforeCreate);
    });

    it('caps per vendor and per client with slots, freed by a stop or a failed create', async () => {
      const ledger = ledgerOn(makeStore());
      const begin = (vendor: string, client?: string) => ledger.begin({ vendor, requestId: id(), client, caps: { vendor: 2, client: 1 } });
      const first = await begin('heygen', 'alice');
      await ledger.live(first, 's1', time + 60_000);
      const second = await begin('heygen', 'bob');
      await assert.rejects(begin('heygen', 'carol'), (error) => error instanceof CapacityReached && error.scope === 'vendor');
      await assert.rejects(begin('akool', 'alice'), (error) => error instanceof CapacityReached && error.scope === 'client');
      assert.ok(await begin('akool', 'carol'), 'another vendor has its own cap');
      await ledger.failed(second);
      const third = await begin('heygen', 'dave');
      await ledger.live(third, 's3', time + 60_000);
      assert.equal(await ledger.stop(first, async () => undefined, () => false), true);
      assert.ok(await begin('heygen', 'alice'), 'the stop freed both of alice\'s slots');
    });

    it('answers at live() whether a stop by requestId came while the create was in flight', async () => {
      const ledger = ledgerOn(makeStore());
      const calm = await ledger.begin({ vendor: 'akool', requestId: id(), caps: {} });
      assert.equal(await ledger.live(calm, 's1', time + 1000), false);
      const hurried = await ledger.begin({ vendor: 'akool', requestId: id(), caps: {} });
      await ledger.askStop(hurried.requestId);
      assert.equal(await ledger.live(hurried, 's2', time + 1000), true);
    });

    it('stops a session once, whoever asks; a failed stop can be tried again; a vanished one counts as stopped', async () => {
      const store = makeStore();
      const ledger = ledgerOn(store);
      const record = await ledger.begin({ vendor: 'akool', requestId: id(), caps: { vendor: 1 } });
      await ledger.live(record, 's1', time + 1000);
      let calls = 0;
      const failing = async () => {
        calls++;
        throw new Error('vendor down');
      };
      await assert.rejects(ledger.stop(record, failing, () => false), /vendor down/);
      assert.equal((await ledger.get(record.requestId))!.state, 'live');
      const vendorStop = async () => {
        calls++;
        await sleep(20);
      };
      // Two instances (two ledgers on one store) and a beacon, at once.
      const other = ledgerOn(store);
      const results = await Promise.all([ledger.stop(record, vendorStop, () => false), other.stop({ ...record }, vendorStop, () => false), ledger.stop({ ...record }, vendorStop, () => false)]);
      assert.deepEqual(results.sort(), [false, false, true]);
      assert.equal(calls, 2);
      assert.equal((await ledger.get(record.requestId))!.state, 'stopped');

      const gone = await ledger.begin({ vendor: 'akool', requestId: id(), caps: { vendor: 1 } });
      await ledger.live(gone, 's2', time + 1000);
      await assert.rejects(ledger.stop(gone, failing, () => true), /vendor down/);
      assert.equal((await ledger.get(gone.requestId))!.state, 'stopped');
      assert.ok(await ledger.begin({ vendor: 'akool', requestId: id(), caps: { vendor: 1 } }), 'its slot was freed');
    });

    it('reaps sessions past their end, oldest first, by the injected clock; running ones are kept', async () => {
      const store = makeStore();
      const ledger = ledgerOn(store);
      const make = async (endsIn: number) => {
        const record = await ledger.begin({ vendor: 'akool', requestId: id(), caps: {} });
        await ledger.live(record, `s-${endsIn}`, time + endsIn);
        return record;
      };
      const soon = await make(10_000);
      const later = await make(100_000);
      const stoppedByPage = await make(10_000);
      await ledger.stop(stoppedByPage, async () => undefined, () => false);
      const failedCreate = await ledger.begin({ vendor: 'akool', requestId: id(), caps: {} });
      await ledger.failed(failedCreate);
      const reaped: string[] = [];
      const stop = (record: { requestId: string; sessionId?: string }) =>
        ledger.stop(record as never, async () => void reaped.push(record.sessionId!), () => false);

      assert.deepEqual(await ledger.reap(stop, 100), { stopped: 0, failed: 0, scanned: 4 });
      time += 20_000;
      const first = await ledger.reap(stop, 100);
      assert.equal(first.stopped, 1);
      assert.deepEqual(reaped, ['s-10000']);
      assert.equal((await ledger.get(soon.requestId))!.state, 'stopped');
      assert.equal((await ledger.get(later.requestId))!.state, 'live');
      time += 100_000;
      // The low mark moved past the reaped head: only the rest is looked at.
      const second = await ledger.reap(stop, 100);
      assert.equal(second.stopped, 1);
      assert.ok(second.scanned < 4, `scanned ${second.scanned}`);
      assert.deepEqual(reaped, ['s-10000', 's-100000']);
      assert.equal((await ledger.reap(stop, 100)).scanned, 0, 'nothing left to look at');
    });

    it('lets one instance sweep per interval', async () => {
      const store = makeStore();
      const [a, b] = [ledgerOn(store), ledgerOn(store)];
      time = Math.ceil(time / 30_000) * 30_000 + 1;
      assert.deepEqual([await a.sweepDue(30_000), await b.sweepDue(30_000), await a.sweepDue(30_000)], [true, false, false]);
      time += 30_000;
      assert.equal(await b.sweepDue(30_000), true);
    });
  });
}

ledgerSuite('the memory store', () => memoryStore());

describe('redis-server', () => {
  const redis = useRedis();
  ledgerSuite('Redis', () => redis.store());

  it('keeps what the ledger writes only as long as its time to live (PX, and PEXPIRE on a new counter)', async () => {
    const store = redis.store();
    await store.set('x', 'v', 60_000);
    await store.increment('c', 60_000);
    const keys = await redis.client.keys('*:x');
    assert.equal(keys.length, 1);
    for (const key of [...keys, ...(await redis.client.keys('*:c'))]) {
      const ttl = await redis.client.pTTL(key);
      assert.ok(ttl > 0 && ttl <= 60_000, `${key}: ${ttl}`);
    }
  });
});

describe('memory store bounds', () => {
  it('drops the oldest keys past maxEntries, never a busy counter', async () => {
    const store = memoryStore({ maxEntries: 3 });
    await store.increment('seq');
    await store.set('a', '1', 60_000);
    await store.set('b', '1', 60_000);
    await store.increment('seq');
    await store.set('c', '1', 60_000);
    assert.equal(await store.get('a'), undefined);
    assert.equal(await store.get('seq'), '2');
  });
});
