/**
 * The session ledger: every session the handler creates, kept in a `KeyValueStore` so several instances
 * can share it. It gives stops by requestId (also for a create still in flight), concurrency caps and a
 * reaper for sessions past their end, with nothing but get/set/delete and an atomic counter:
 *
 * - `sa:rec:<requestId>`: the record (JSON). `sa:claim:<requestId>`: a counter, so a requestId makes one
 *   session at most. `sa:stop:<requestId>`: a stop asked for before the session was known.
 *   `sa:stopping:<requestId>`: a counter, so one vendor stop is made per session, whoever asks.
 * - `sa:seq`: a counter numbering sessions; `sa:idx:<n>` names session n's requestId. The reaper walks n
 *   from `sa:low` (the oldest session maybe still running) up to `sa:seq`: the store needs no listing.
 * - Caps: a cap of N is N slot counters (`sa:slot:v:<vendor>:<i>`, `sa:slot:c:<client>:<i>`). Incrementing
 *   a free slot answers 1 (taken); a held one answers more (try the next). Stopping deletes the slot; every
 *   slot also expires after the longest a session can live, so an instance that dies frees its slots.
 */
import type { KeyValueStore } from './store.js';

export type RecordState = 'creating' | 'live' | 'stopped' | 'failed';

export interface SessionRecord {
  vendor: string;
  requestId: string;
  /** A hash of the creating client (its address, or the identity `beforeCreate` named), if known. */
  client?: string;
  sessionId?: string;
  state: RecordState;
  createdAt: number;
  /** When the session must be over (ms): the vendor's own end or `maxDurationS`, whichever comes first. */
  expiresAt?: number;
  seq: number;
  /** Concurrency slots held until the session stops. */
  slots: string[];
}

export interface LedgerTimes {
  /** How long a create may be in flight, the background read of a late answer included. */
  createMs: number;
  /** How long a record is kept past its session's end (so a replayed stop token is still refused). */
  keepMs: number;
  /** The longest a session may run (`maxDurationS`): how long a slot can be held at most. */
  maxSessionMs: number;
}

export interface Caps {
  /** Sessions of this vendor at once, site-wide. */
  vendor?: number;
  /** Sessions of this client at once, every vendor. */
  client?: number;
}

export interface ReapResult {
  /** Sessions past their end that were stopped now. */
  stopped: number;
  /** Sessions past their end whose stop failed (retried on the next sweep). */
  failed: number;
  /** Ledger entries looked at. */
  scanned: number;
}

/** Over a cap: the create answers 429 `capacity`. */
export class CapacityReached {
  constructor(readonly scope: 'vendor' | 'client') {}
}
/** The requestId already made a session. */
export class RequestIdUsed {}
/** A stop for this requestId came before its create did. */
export class StoppedBeforeCreate {}

const KEY = {
  seq: 'sa:seq',
  low: 'sa:low',
  claim: (requestId: string) => `sa:claim:${requestId}`,
  record: (requestId: string) => `sa:rec:${requestId}`,
  index: (seq: number) => `sa:idx:${seq}`,
  stopAsked: (requestId: string) => `sa:stop:${requestId}`,
  stopping: (requestId: string) => `sa:stopping:${requestId}`,
  vendorSlot: (vendor: string) => (i: number) => `sa:slot:v:${vendor}:${i}`,
  clientSlot: (client: string) => (i: number) => `sa:slot:c:${client}:${i}`,
  sweep: (bucket: number) => `sa:sweep:${bucket}`,
};
const WEEK_MS = 7 * 24 * 3600_000;
/** A session whose stop keeps failing this long past its end is given up on (the vendor has ended it). */
const GIVE_UP_MS = 3600_000;

function parseRecord(text: string | undefined | null): SessionRecord | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as SessionRecord;
    return typeof value === 'object' && value !== null && typeof value.requestId === 'string' && Array.isArray(value.slots) ? value : undefined;
  } catch {
    return undefined;
  }
}

export class Ledger {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number,
    private readonly times: LedgerTimes,
  ) {}

  private get slotTtl(): number {
    return this.times.createMs + this.times.maxSessionMs + 60_000;
  }

  /** Records a create about to call the vendor; throws `CapacityReached`, `RequestIdUsed` or `StoppedBeforeCreate`. */
  async begin(input: { vendor: string; requestId: string; client?: string; caps: Caps }): Promise<SessionRecord> {
    const { vendor, requestId, client, caps } = input;
    if ((await this.store.increment(KEY.claim(requestId), this.slotTtl + this.times.keepMs)) !== 1) throw new RequestIdUsed();
    if (await this.store.get(KEY.stopAsked(requestId))) throw new StoppedBeforeCreate();
    const slots: string[] = [];
    try {
      if (caps.vendor !== undefined) slots.push(await this.#takeSlot(KEY.vendorSlot(vendor), caps.vendor, 'vendor'));
      if (caps.client !== undefined && client) slots.push(await this.#takeSlot(KEY.clientSlot(client), caps.client, 'client'));
    } catch (error) {
      await this.#release(slots);
      // Refused before any vendor call: the page may try again with the same requestId.
      await this.store.delete(KEY.claim(requestId));
      throw error;
    }
    const record: SessionRecord = { vendor, requestId, state: 'creating', createdAt: this.now(), seq: await this.store.increment(KEY.seq), slots };
    if (client) record.client = client;
    await this.#write(record, this.times.createMs);
    return record;
  }

  /** The vendor made the session. Answers whether a stop for it was asked meanwhile. */
  async live(record: SessionRecord, sessionId: string, expiresAt: number): Promise<boolean> {
    Object.assign(record, { state: 'live', sessionId, expiresAt });
    await this.#write(record, Math.max(0, expiresAt - this.now()) + this.times.keepMs);
    // After the write: a stop by requestId writes its mark before reading the record, so one of the two sees the other.
    return Boolean(await this.store.get(KEY.stopAsked(record.requestId)));
  }

  /** The create made no session (or one already handed to `stop`, which then released its slots). */
  async failed(record: SessionRecord): Promise<void> {
    if (record.state !== 'creating') return;
    record.state = 'failed';
    await this.#release(record.slots);
    await this.#write(record, this.times.keepMs);
  }

  async get(requestId: string): Promise<SessionRecord | undefined> {
    return parseRecord(await this.store.get(KEY.record(requestId)));
  }

  /** A stop by requestId: remembered, so a create still in flight (or not yet arrived) stops its session. */
  async askStop(requestId: string): Promise<void> {
    await this.store.set(KEY.stopAsked(requestId), '1', this.times.createMs + this.times.keepMs);
  }

  /**
   * Stops a recorded session once, whoever asks (page, beacon, reaper, another instance): answers false
   * when another caller is already stopping or has stopped it. `gone(error)`: a vendor failure that means
   * the session no longer runs (recorded as stopped, then thrown).
   */
  async stop(record: SessionRecord, vendorStop: () => Promise<void>, gone: (error: unknown) => boolean): Promise<boolean> {
    const ttl = Math.max(0, (record.expiresAt ?? this.now()) - this.now()) + this.times.keepMs;
    if ((await this.store.increment(KEY.stopping(record.requestId), ttl)) !== 1) return false;
    let failure: unknown;
    try {
      await vendorStop();
    } catch (error) {
      if (!gone(error)) {
        // Let a later stop (or the reaper) try again.
        await this.store.delete(KEY.stopping(record.requestId));
        throw error;
      }
      failure = error;
    }
    record.state = 'stopped';
    await this.#release(record.slots);
    await this.#write(record, ttl);
    if (failure !== undefined) throw failure;
    return true;
  }

  /** A live session whose stop failed: due at once, so the next sweep tries again. */
  async expire(record: SessionRecord): Promise<void> {
    if (record.state !== 'live') return;
    record.expiresAt = Math.min(record.expiresAt ?? Infinity, this.now());
    await this.#write(record, this.times.keepMs);
  }

  /**
   * One stop for a session this ledger has no record of (its token was valid: another instance with its
   * own memory made it): false when it was already claimed, so a replayed token makes no second call.
   */
  async claimUnrecorded(requestId: string): Promise<boolean> {
    return (await this.store.increment(KEY.stopping(requestId), this.times.maxSessionMs + this.times.keepMs)) === 1;
  }

  /** Whether this instance should sweep now: one sweep per interval across every instance. */
  async sweepDue(intervalMs: number): Promise<boolean> {
    return (await this.store.increment(KEY.sweep(Math.floor(this.now() / intervalMs)), 2 * intervalMs)) === 1;
  }

  /** Stops the sessions past their end, oldest first, looking at `limit` entries at most. */
  async reap(stop: (record: SessionRecord) => Promise<boolean>, limit: number): Promise<ReapResult> {
    const result: ReapResult = { stopped: 0, failed: 0, scanned: 0 };
    const top = Number(await this.store.get(KEY.seq)) || 0;
    const stored = Number(await this.store.get(KEY.low));
    let low = Number.isInteger(stored) && stored > 0 ? stored : Math.max(1, top - limit + 1);
    let advancing = true;
    for (let seq = low; seq <= top && result.scanned < limit; seq++) {
      result.scanned++;
      const outcome = await this.#reapOne(seq, stop);
      if (outcome === 'stopped') result.stopped++;
      if (outcome === 'failed') result.failed++;
      // The low mark moves past the leading run of entries that need nothing more.
      if (advancing && (outcome === 'done' || outcome === 'stopped')) low = seq + 1;
      else advancing = false;
    }
    await this.store.set(KEY.low, String(low), WEEK_MS);
    return result;
  }

  async #reapOne(seq: number, stop: (record: SessionRecord) => Promise<boolean>): Promise<'done' | 'stopped' | 'failed' | 'running'> {
    const requestId = await this.store.get(KEY.index(seq));
    const record = requestId ? await this.get(requestId) : undefined;
    if (!record || record.state === 'stopped' || record.state === 'failed') return 'done';
    const now = this.now();
    if (record.state === 'creating') return record.createdAt + this.times.createMs < now ? 'done' : 'running';
    if (record.expiresAt === undefined || record.expiresAt > now) return 'running';
    try {
      return (await stop(record)) ? 'stopped' : 'done';
    } catch {
      return now > record.expiresAt + GIVE_UP_MS ? 'done' : 'failed';
    }
  }

  async #takeSlot(key: (i: number) => string, count: number, scope: 'vendor' | 'client'): Promise<string> {
    for (let i = 0; i < count; i++) {
      if ((await this.store.increment(key(i), this.slotTtl)) === 1) return key(i);
    }
    throw new CapacityReached(scope);
  }

  async #release(slots: string[]): Promise<void> {
    // Emptied first: a slot released twice could free one another session took meanwhile.
    const held = slots.splice(0);
    await Promise.all(held.map((slot) => this.store.delete(slot)));
  }

  async #write(record: SessionRecord, ttlMs: number): Promise<void> {
    const ttl = Math.max(1000, ttlMs);
    await this.store.set(KEY.record(record.requestId), JSON.stringify(record), ttl);
    await this.store.set(KEY.index(record.seq), record.requestId, ttl);
  }
}
