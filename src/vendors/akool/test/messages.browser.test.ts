import { expect } from '@open-wc/testing';
import {
  ChatAssembler,
  chunkChat,
  decodeAkool,
  Pacer,
  type AkoolChatMessage,
  type PacerClock,
} from '../messages.js';
import { AKOOL_BYTES_PER_SECOND, AKOOL_MIN_MESSAGE_GAP_MS } from '../facts.js';
import { decodeText } from '../../../transports/media.js';
import { encodeJson } from '../../../../test/helpers/provider-harness.js';

const decodeChunks = (chunks: Uint8Array[]) => chunks.map((c) => JSON.parse(decodeText(c)) as AkoolChatMessage);

/** Text with every kind of character that changes the encoded size: multibyte, surrogate pairs, JSON escapes. */
function mixedText(length: number): string {
  const pieces = ['plain words ', 'café ', '日本語のテキスト ', '😀👍🏽 ', '"quoted" ', 'back\\slash ', 'line\nbreak ', 'tab\t ', '\u0001'];
  let text = '';
  for (let i = 0; Array.from(text).length < length; i++) text += pieces[i % pieces.length];
  return Array.from(text).slice(0, length).join('');
}

function checkChunks(text: string, chunks: Uint8Array[], maxBytes: number) {
  for (const chunk of chunks) expect(chunk.byteLength).to.be.at.most(maxBytes);
  const messages = decodeChunks(chunks);
  expect(messages.map((m) => m.idx)).to.deep.equal(messages.map((_, i) => i));
  expect(messages.map((m) => m.fin)).to.deep.equal(messages.map((_, i) => i === messages.length - 1));
  expect(new Set(messages.map((m) => m.mid)).size).to.equal(1);
  expect(messages.every((m) => m.v === 2 && m.type === 'chat')).to.equal(true);
  // No chunk starts or ends inside a surrogate pair.
  const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  for (const { pld } of messages) expect(loneSurrogate.test(pld.text), JSON.stringify(pld.text)).to.equal(false);
  expect(messages.map((m) => m.pld.text).join('')).to.equal(text);
  return messages;
}

// The limit is written out (960), not read from the module, so changing the constant fails these tests.
describe('Akool messages: chunking', () => {
  it('splits 5,000 characters into chunks of at most 960 bytes that join back whole and in order', () => {
    const text = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');
    const chunks = chunkChat('mid-1', text);
    const messages = checkChunks(text, chunks, 960);
    expect(messages.length).to.be.within(6, 7);
    // Chunks are filled: only the last is much smaller than the limit.
    for (const chunk of chunks.slice(0, -1)) expect(chunk.byteLength).to.be.above(960 - 8);
  });

  it('keeps multibyte characters, surrogate pairs and JSON escapes within the byte limit', () => {
    const text = mixedText(5000);
    expect(Array.from(text)).to.have.length(5000);
    const chunks = chunkChat('mid-2', text);
    checkChunks(text, chunks, 960);
    const textBytes = new TextEncoder().encode(text).byteLength;
    expect(textBytes).to.be.above(6500);
    expect(chunks.length).to.be.at.least(Math.ceil(textBytes / 960));
  });

  it('honours a smaller limit and a single emoji per chunk', () => {
    const text = '😀'.repeat(50);
    const base = chunkChat('m', '').at(0)!.byteLength;
    const chunks = chunkChat('m', text, base + 4 + 2);
    checkChunks(text, chunks, base + 6);
    expect(decodeChunks(chunks).every((m) => m.pld.text === '😀')).to.equal(true);
  });

  it('refuses a limit too small for any text', () => {
    expect(() => chunkChat('m', 'hello', 20)).to.throw(/cannot carry/);
  });
});

describe('Akool messages: decoding and reassembly', () => {
  it('only accepts v2 messages with a known type and payload', () => {
    expect(decodeAkool(encodeJson({ v: 2, type: 'event', pld: { event: 'audio_start' } }))?.type).to.equal('event');
    expect(decodeAkool(encodeJson({ v: 2, type: 'chat', mid: 'a', pld: { text: 'hi', from: 'bot' } }))?.type).to.equal('chat');
    expect(decodeAkool(encodeJson({ v: 2, type: 'command', mid: 'a', pld: { cmd: 'interrupt', code: 1000 } }))?.type).to.equal('command');
    expect(decodeAkool(encodeJson({ v: 1, type: 'chat', mid: 'a', pld: { text: 'old' } }))).to.equal(undefined);
    expect(decodeAkool(encodeJson({ type: 'chat', mid: 'a', pld: { text: 'no version' } }))).to.equal(undefined);
    expect(decodeAkool(encodeJson({ v: 2, type: 'chat', mid: 'a', pld: {} }))).to.equal(undefined);
    expect(decodeAkool(encodeJson({ v: 2, type: 'other', pld: { text: 'x' } }))).to.equal(undefined);
    expect(decodeAkool(new TextEncoder().encode('plain text'))).to.equal(undefined);
  });

  it('reassembles chunks by mid and idx, out of order and interleaved', () => {
    const assembler = new ChatAssembler();
    const chunk = (mid: string, idx: number, fin: boolean, text: string): AkoolChatMessage => ({ v: 2, type: 'chat', mid, idx, fin, pld: { text } });
    expect(assembler.add(chunk('a', 1, false, 'lo '))).to.deep.equal({ text: '', complete: false });
    expect(assembler.add(chunk('b', 0, true, 'other'))).to.deep.equal({ text: 'other', complete: true });
    expect(assembler.add(chunk('a', 2, true, 'world'))).to.deep.equal({ text: '', complete: false });
    expect(assembler.add(chunk('a', 0, false, 'hel'))).to.deep.equal({ text: 'hello world', complete: true });
  });

  it('appends messages without idx and fin per mid, open until finish() or a new mid from the same speaker', () => {
    const assembler = new ChatAssembler();
    const unmarked = (mid: string, text: string, from = 'bot'): AkoolChatMessage => ({ v: 2, type: 'chat', mid, pld: { text, from } });
    expect(assembler.add(unmarked('x', 'Hello'))).to.deep.equal({ text: 'Hello', complete: false });
    expect(assembler.add(unmarked('x', ' there'))).to.deep.equal({ text: 'Hello there', complete: false });
    // Another speaker's message leaves this one open.
    expect(assembler.add(unmarked('u', 'Hi', 'user'))).to.deep.equal({ text: 'Hi', complete: false });
    expect(assembler.finish('bot')).to.equal('Hello there');
    expect(assembler.finish('bot')).to.equal(undefined);
    expect(assembler.add(unmarked('y', 'Next'))).to.deep.equal({ text: 'Next', complete: false });
    // A new mid from the same speaker closes the open one, whole.
    expect(assembler.add(unmarked('u2', 'Again', 'user'))).to.deep.equal({ text: 'Again', complete: false, closed: 'Hi' });
    expect(assembler.add({ v: 2, type: 'chat', mid: 'z', idx: 0, fin: true, pld: { text: 'Marked', from: 'bot' } })).to.deep.equal({
      text: 'Marked',
      complete: true,
      closed: 'Next',
    });
  });

  it('can read messages without idx and fin as whole instead (the other reading of the uncertain fact)', () => {
    const assembler = new ChatAssembler(32, false);
    expect(assembler.add({ v: 2, type: 'chat', mid: 'x', pld: { text: 'complete reply' } })).to.deep.equal({
      text: 'complete reply',
      complete: true,
    });
  });
});

/** A clock the test moves by hand: sleeps resolve at once and advance the time. */
function virtualClock(): PacerClock & { time: number } {
  const clock = {
    time: 0,
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.time += ms;
    },
  };
  return clock;
}

describe('Akool messages: pacing', () => {
  it('never sends faster than the byte rate', async () => {
    const clock = virtualClock();
    const sent: { at: number; bytes: number }[] = [];
    const pacer = new Pacer({ bytesPerSecond: 6000 }, async (payload) => void sent.push({ at: clock.now(), bytes: payload.byteLength }), clock);
    const chunks = chunkChat('m', mixedText(3000));
    await Promise.all(chunks.map((c) => pacer.send(c)));
    expect(sent).to.have.length(chunks.length);
    for (let i = 1; i < sent.length; i++) {
      expect(sent[i].at - sent[i - 1].at).to.be.at.least((sent[i - 1].bytes * 1000) / 6000 - 1e-9);
    }
    // Over the whole run: no more than the rate allows (plus the first message).
    const total = sent.reduce((sum, s) => sum + s.bytes, 0);
    expect(total - sent[0].bytes).to.be.at.most((6000 * (sent.at(-1)!.at - sent[0].at)) / 1000 + 1e-6);
  });

  it('keeps a minimum gap between small messages, so a count limit (TRTC: 30 per second) holds', async () => {
    const clock = virtualClock();
    const sent: number[] = [];
    const pacer = new Pacer({ bytesPerSecond: 6000, minGapMs: 35 }, async () => void sent.push(clock.now()), clock);
    const tiny = new TextEncoder().encode('{"v":2}');
    await Promise.all(Array.from({ length: 100 }, () => pacer.send(tiny)));
    expect(sent).to.have.length(100);
    for (let i = 1; i < sent.length; i++) expect(sent[i] - sent[i - 1]).to.be.at.least(35 - 1e-9);
    // Counted in TRTC's fixed 1-second windows: never 30 or more.
    const perWindow = new Map<number, number>();
    for (const at of sent) perWindow.set(Math.floor(at / 1000), (perWindow.get(Math.floor(at / 1000)) ?? 0) + 1);
    expect(Math.max(...perWindow.values())).to.be.below(30);
  });

  it('at the TRTC rate, 960-byte chunks stay under 8,000 bytes in every fixed 1-second window', async () => {
    const clock = virtualClock();
    const sent: { at: number; bytes: number }[] = [];
    const pacer = new Pacer(
      { bytesPerSecond: AKOOL_BYTES_PER_SECOND.trtc!, minGapMs: AKOOL_MIN_MESSAGE_GAP_MS },
      async (payload) => void sent.push({ at: clock.now(), bytes: payload.byteLength }),
      clock,
    );
    const chunks = chunkChat('m', 'x'.repeat(20000));
    await Promise.all(chunks.map((c) => pacer.send(c)));
    // TRTC's SDK adds a message's size to its window before checking it against 8,000 B and 30 messages.
    for (let start = 0; start <= sent.at(-1)!.at; start += 1000) {
      const inWindow = sent.filter((s) => s.at >= start && s.at < start + 1000);
      expect(inWindow.reduce((sum, s) => sum + s.bytes, 0), `window at ${start} ms`).to.be.at.most(8000);
      expect(inWindow.length).to.be.below(30);
    }
    // And windows shifted by any phase (the SDK's window need not start with our first message).
    for (let start = 0; start <= sent.at(-1)!.at; start += 50) {
      const inWindow = sent.filter((s) => s.at >= start && s.at < start + 1000);
      expect(inWindow.reduce((sum, s) => sum + s.bytes, 0), `window at ${start} ms`).to.be.at.most(8000);
    }
  });

  it('puts a front message before queued ones', async () => {
    const { pacer, order, release, text } = gatedPacer();
    const sends = [pacer.send(text('one')), pacer.send(text('two')), pacer.send(text('three'))];
    sends.push(pacer.send(text('urgent'), { front: true }));
    release();
    await Promise.all(sends);
    expect(order).to.deep.equal(['one', 'urgent', 'two', 'three']);
  });

  it('clear() rejects what is not sent yet, as an interrupt does', async () => {
    const { pacer, order, release, text } = gatedPacer();
    const first = pacer.send(text('one'));
    const queued = [pacer.send(text('two')), pacer.send(text('three'))];
    pacer.clear(new Error('dropped'));
    const urgent = pacer.send(text('interrupt'), { front: true });
    release();
    await first;
    await urgent;
    const results = await Promise.allSettled(queued);
    expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
    expect(order).to.deep.equal(['one', 'interrupt']);
  });
});

/** A pacer whose first send waits until `release()`, so the test can queue behind it. */
function gatedPacer() {
  const clock = virtualClock();
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const pacer = new Pacer({ bytesPerSecond: 1000 }, async (payload) => {
    if (order.length === 0) await gate;
    order.push(decodeText(payload));
  }, clock);
  return { pacer, order, release, text: (s: string) => new TextEncoder().encode(s) };
}
