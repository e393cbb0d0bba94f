import { expect } from '@open-wc/testing';
import '../../../define.js';
import { createProvider, initialParams } from '../adapter.js';
import { ChatAssembler, type AkoolChatMessage, type AkoolMessage } from '../messages.js';
import type { SessionDescription } from '../../../session/session-description.js';
import type { TransportCredentials } from '../../../transports/transport.js';
import { nextEvent, recordEvents, waitFor } from '../../../../test/helpers/events.js';
import { avatarWith, setUpFakeVendor } from '../../../../test/helpers/fake-vendor.js';
import { encodeJson, FakeTransport, providerContext, rejection } from '../../../../test/helpers/provider-harness.js';
import { stubFetch } from '../../../../test/helpers/vendor-fetch.js';

const agora: TransportCredentials = { kind: 'agora', appId: 'app', channel: 'ch', token: 't', uid: 1 };
const description = (options: Record<string, unknown> = { modeType: 2 }, transport: TransportCredentials = agora): SessionDescription => ({
  provider: 'akool',
  sessionId: 'ak-1',
  transport,
  options,
});

function adapter(options?: Record<string, unknown>, transport = new FakeTransport('agora', 1024), credentials: TransportCredentials = agora) {
  const fetch = stubFetch();
  const harness = providerContext(description(options, credentials), { fetch: fetch.fetch, transport });
  return { ...harness, transport, provider: createProvider(harness.context), requests: fetch.requests };
}

const messages = (transport: FakeTransport) => transport.messages<AkoolMessage & { idx?: number; fin?: boolean }>();
const chatText = (sent: ReturnType<typeof messages>) =>
  sent.filter((m) => m.type === 'chat').map((m) => (m.pld as { text: string }).text).join('');

describe('Akool adapter: commands over the data stream', () => {
  it('sends set-params after joining, built from the session options', async () => {
    const { provider, transport, requests } = adapter({
      modeType: 2,
      language: 'en',
      voiceId: 'voice-1',
      voiceParams: { stability: 0.5 },
      voiceUrl: 'https://voices.test/v.mp3',
      backgroundUrl: 'https://images.test/bg.png',
    });
    await provider.afterConnect!();
    const [command] = messages(transport);
    expect(command).to.include({ v: 2, type: 'command' });
    expect(command.mid).to.be.a('string');
    expect(command.pld).to.deep.equal({
      cmd: 'set-params',
      data: {
        vparams: { stability: 0.5, vid: 'voice-1' },
        lang: 'en',
        mode: 2,
        bgurl: 'https://images.test/bg.png',
        vurl: 'https://voices.test/v.mp3',
      },
    });
    // Akool needs no browser REST call.
    expect(requests).to.have.length(0);
  });

  it('leaves out empty options, and sends nothing when there is nothing to set', async () => {
    expect(initialParams({ modeType: 1, language: '', voiceParams: 'bad' })).to.deep.equal({ mode: 1 });
    const { provider, transport } = adapter({});
    await provider.afterConnect!();
    expect(transport.sent).to.have.length(0);
  });

  it('speaks as a chat message in the session mode, switching the mode first when it differs', async () => {
    const { provider, transport } = adapter({ modeType: 2 });
    await provider.afterConnect!();
    await provider.speak('Tell me about Akool.', 'chat');
    await provider.speak('Say exactly this.', 'repeat');
    await provider.speak('And this.', 'repeat');
    const sent = messages(transport);
    expect(sent.map((m) => (m.type === 'command' ? `set-params ${JSON.stringify(m.pld)}` : `chat ${(m.pld as { text: string }).text}`))).to.deep.equal([
      `set-params ${JSON.stringify({ cmd: 'set-params', data: { mode: 2 } })}`,
      'chat Tell me about Akool.',
      `set-params ${JSON.stringify({ cmd: 'set-params', data: { mode: 1 } })}`,
      'chat Say exactly this.',
      'chat And this.',
    ]);
    const chat = sent.find((m) => m.type === 'chat')!;
    expect(chat).to.include({ v: 2, type: 'chat', idx: 0, fin: true });
  });

  it('sets the mode before the first speak when the session mode is unknown', async () => {
    const { provider, transport } = adapter({});
    await provider.speak('Hi', 'repeat');
    expect(messages(transport).map((m) => m.type)).to.deep.equal(['command', 'chat']);
    expect(messages(transport)[0].pld).to.deep.equal({ cmd: 'set-params', data: { mode: 1 } });
  });

  it('interrupts with an interrupt command and resolves ok', async () => {
    const { provider, transport } = adapter();
    expect(await provider.interrupt()).to.equal('ok');
    const [command] = messages(transport);
    expect(command).to.include({ v: 2, type: 'command' });
    expect(command.pld).to.deep.equal({ cmd: 'interrupt' });
  });

  it('an interrupt goes ahead of queued text and drops it', async () => {
    const { provider, transport } = adapter({ modeType: 1 });
    const long = rejection(provider.speak('word '.repeat(1000), 'repeat'));
    await waitFor(() => transport.sent.length >= 1, 2000, 'first chunk');
    expect(await provider.interrupt()).to.equal('ok');
    const error = await long;
    expect(error.code).to.equal('aborted');
    const sent = messages(transport);
    expect(sent.at(-1)?.pld).to.deep.equal({ cmd: 'interrupt' });
    expect(sent.filter((m) => m.type === 'chat').length).to.be.below(6);
  });

  it('a failed send rejects speak() with the transport error', async () => {
    const { provider, transport } = adapter({ modeType: 1 });
    transport.failSends = true;
    const error = await rejection(provider.speak('Hi', 'repeat'));
    expect(error.code).to.equal('transport-send-failed');
  });

  it('sends 5,000 characters (multibyte included) whole and in order, ≤ 960 bytes each, at ≤ 6 KB/s on Agora', async function () {
    this.timeout(15000);
    const { provider, transport } = adapter({ modeType: 1 });
    const text = Array.from({ length: 5000 }, (_, i) => (i % 7 === 0 ? 'é' : i % 11 === 0 ? '😀' : i % 13 === 0 ? '語' : 'a')).join('');
    const started = performance.now();
    await provider.speak(text, 'repeat');
    const elapsed = performance.now() - started;
    const chats = messages(transport).filter((m) => m.type === 'chat');
    expect(chats.map((m) => m.idx)).to.deep.equal(chats.map((_, i) => i));
    expect(chats.at(-1)?.fin).to.equal(true);
    expect(new Set(chats.map((m) => m.mid)).size).to.equal(1);
    expect(chatText(chats)).to.equal(text);
    for (const { payload } of transport.sent) expect(payload.byteLength).to.be.at.most(960);
    // Pacing: each message waits for the previous one's bytes at 6000 B/s (timer slack allowed).
    for (let i = 1; i < transport.sent.length; i++) {
      const gap = transport.sent[i].at - transport.sent[i - 1].at;
      expect(gap).to.be.at.least((transport.sent[i - 1].payload.byteLength * 1000) / 6000 - 5);
    }
    const bytes = transport.sent.slice(0, -1).reduce((sum, s) => sum + s.payload.byteLength, 0);
    expect(elapsed).to.be.at.least((bytes * 1000) / 6000 - 20);
  });

  it('paces TRTC at 6 KB/s: at 8 KB/s a 9th 960-byte chunk lands in the SDK\'s first 8,000-byte window', async () => {
    const trtc: TransportCredentials = { kind: 'trtc', sdkAppId: 1, roomId: 'r', userId: 'u', userSig: 's' };
    const { provider, transport } = adapter({ modeType: 1 }, new FakeTransport('trtc', 1024), trtc);
    await provider.speak('b'.repeat(3000), 'repeat');
    expect(transport.sent.length).to.be.at.least(4);
    for (let i = 1; i < transport.sent.length; i++) {
      const gap = transport.sent[i].at - transport.sent[i - 1].at;
      expect(gap).to.be.at.least((transport.sent[i - 1].payload.byteLength * 1000) / 6000 - 5);
    }
  });

  it('keeps small messages at least 35 ms apart (message-count limits)', async () => {
    const { provider, transport } = adapter({ modeType: 1 });
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((word) => provider.speak(word, 'repeat')));
    expect(transport.sent).to.have.length(5);
    // Timer slack allowed; without the gap these 70-byte messages go ~12 ms apart.
    for (let i = 1; i < transport.sent.length; i++) expect(transport.sent[i].at - transport.sent[i - 1].at).to.be.at.least(33);
  });

  it('voice chat after a repeat-mode speak() sets the session mode back first, so the avatar answers the user', async () => {
    const { provider, transport } = adapter({ modeType: 2 });
    await provider.afterConnect!();
    await provider.speak('Say exactly this.', 'repeat');
    await provider.startVoiceChat!({ pushToTalk: false });
    const sent = messages(transport);
    expect(sent.map((m) => (m.type === 'command' ? JSON.stringify(m.pld) : 'chat'))).to.deep.equal([
      JSON.stringify({ cmd: 'set-params', data: { mode: 2 } }),
      JSON.stringify({ cmd: 'set-params', data: { mode: 1 } }),
      'chat',
      JSON.stringify({ cmd: 'set-params', data: { mode: 2 } }),
    ]);
    // Already in the session mode: nothing to send.
    await provider.startVoiceChat!({ pushToTalk: true });
    expect(transport.sent).to.have.length(4);
  });

  it('voice chat in a repeat-mode session keeps mode 1; an unknown mode is set', async () => {
    const repeat = adapter({ modeType: 1 });
    await repeat.provider.afterConnect!();
    await repeat.provider.startVoiceChat!({ pushToTalk: false });
    expect(messages(repeat.transport).map((m) => m.pld)).to.deep.equal([{ cmd: 'set-params', data: { mode: 1 } }]);

    // After a rejected set-params the mode is unknown: voice chat sets the session's (default 2).
    const unknown = adapter({});
    unknown.provider.receive(encodeJson({ v: 2, type: 'command', mid: 'c', pld: { cmd: 'set-params', code: 5000 } }));
    await unknown.provider.startVoiceChat!({ pushToTalk: false });
    expect(messages(unknown.transport).map((m) => m.pld)).to.deep.equal([{ cmd: 'set-params', data: { mode: 2 } }]);
  });
});

describe('Akool adapter: messages from the avatar', () => {
  it('maps chat from bot/user to transcripts, audio events to speaking, and ignores other versions', () => {
    const { provider, recorder } = adapter();
    const receive = (message: unknown) => provider.receive(encodeJson(message));
    receive({ v: 2, type: 'event', mid: 'e', pld: { event: 'audio_start' } });
    receive({ v: 2, type: 'chat', mid: 'r1', idx: 0, fin: false, pld: { text: 'Hello', from: 'bot' } });
    receive({ v: 2, type: 'chat', mid: 'r1', idx: 1, fin: false, pld: { text: ' there', from: 'bot' } });
    receive({ v: 1, type: 'chat', mid: 'old', pld: { text: 'ignored', from: 'bot' } });
    receive({ v: 2, type: 'chat', mid: 'r1', idx: 2, fin: true, pld: { text: '', from: 'bot' } });
    receive({ v: 2, type: 'event', mid: 'e', pld: { event: 'audio_end' } });
    provider.receive(new TextEncoder().encode('not json'));
    expect(recorder.log).to.deep.equal([
      { type: 'speakStart' },
      { type: 'transcript', transcript: { role: 'avatar', text: 'Hello', final: false } },
      { type: 'transcript', transcript: { role: 'avatar', text: 'Hello there', final: false } },
      { type: 'transcript', transcript: { role: 'avatar', text: 'Hello there', final: true } },
      { type: 'speakEnd' },
    ]);
  });

  it('chat without idx/fin is appended per mid and final once at the end of the turn, not once per chunk', () => {
    const { provider, recorder } = adapter();
    const receive = (message: unknown) => provider.receive(encodeJson(message));
    const transcripts = () => recorder.log.filter((e) => e.type === 'transcript').map((e) => (e as { transcript: unknown }).transcript);
    receive({ v: 2, type: 'chat', mid: 'u1', pld: { text: 'What time', from: 'user' } });
    receive({ v: 2, type: 'chat', mid: 'u1', pld: { text: ' is it?', from: 'user' } });
    // The avatar starts answering: the user's turn is over.
    receive({ v: 2, type: 'event', mid: 'e', pld: { event: 'audio_start' } });
    receive({ v: 2, type: 'chat', mid: 'r1', pld: { text: 'It is', from: 'bot' } });
    receive({ v: 2, type: 'chat', mid: 'r1', pld: { text: ' noon.', from: 'bot' } });
    // A new bot mid ends the previous bot message.
    receive({ v: 2, type: 'chat', mid: 'r2', pld: { text: 'Anything else?', from: 'bot' } });
    receive({ v: 2, type: 'event', mid: 'e', pld: { event: 'audio_end' } });
    expect(transcripts()).to.deep.equal([
      { role: 'user', text: 'What time', final: false },
      { role: 'user', text: 'What time is it?', final: false },
      { role: 'user', text: 'What time is it?', final: true },
      { role: 'avatar', text: 'It is', final: false },
      { role: 'avatar', text: 'It is noon.', final: false },
      { role: 'avatar', text: 'It is noon.', final: true },
      { role: 'avatar', text: 'Anything else?', final: false },
      { role: 'avatar', text: 'Anything else?', final: true },
    ]);
    // The final transcript comes before the speaking ends, so the page has the whole text by then.
    expect(recorder.log.slice(-2).map((e) => e.type)).to.deep.equal(['transcript', 'speakEnd']);
  });

  it('a successful ack is silent; an error ack is a non-fatal command-failed with the payload', () => {
    const { provider, recorder } = adapter();
    provider.receive(encodeJson({ v: 2, type: 'command', mid: 'c1', pld: { cmd: 'interrupt', code: 1000 } }));
    expect(recorder.log).to.deep.equal([]);
    provider.receive(encodeJson({ v: 2, type: 'command', mid: 'c2', pld: { cmd: 'set-params', code: 4001, msg: 'invalid voice' } }));
    const [error] = recorder.errors();
    expect(error.code).to.equal('command-failed');
    expect(error.fatal).to.equal(false);
    expect(error.message).to.contain('set-params').and.contain('invalid voice');
    expect(error.vendorBody).to.deep.equal({ cmd: 'set-params', code: 4001, msg: 'invalid voice' });
  });

  it('after a rejected set-params the mode is set again on the next speak', async () => {
    const { provider, transport } = adapter({ modeType: 1 });
    provider.receive(encodeJson({ v: 2, type: 'command', mid: 'c', pld: { cmd: 'set-params', code: 5000, msg: 'busy' } }));
    await provider.speak('Hi', 'repeat');
    expect(messages(transport).map((m) => m.type)).to.deep.equal(['command', 'chat']);
  });
});

describe('Akool through <streaming-avatar> with the fake vendor emulation', () => {
  let fake: ReturnType<typeof setUpFakeVendor>;
  beforeEach(() => {
    fake = setUpFakeVendor(() => ({ status: 404, body: 'Akool needs no browser REST call' }));
  });
  afterEach(() => fake.restore());

  const credentials: Record<'agora' | 'livekit' | 'trtc', (id: string) => TransportCredentials> = {
    agora: (id) => ({ kind: 'agora', appId: 'fake-agora-app', channel: id, token: `fake-agora.${id}`, uid: 100000 }),
    livekit: (id) => ({ kind: 'livekit', url: `ws://${location.host}/fake-vendor/akool/livekit`, token: `fake-livekit.${id}` }),
    trtc: (id) => ({ kind: 'trtc', sdkAppId: 1400000001, roomId: id, userId: `user-${id}`, userSig: `fake-trtc.${id}` }),
  };

  for (const streamType of ['agora', 'livekit', 'trtc'] as const) {
    it(`${streamType}: start → ready → speak → speak start/end and bot transcript → stop`, async () => {
      const id = `ak-${streamType}`;
      const { el, stops } = await avatarWith(
        { provider: 'akool', sessionId: id, transport: credentials[streamType](id), options: { modeType: 1 } },
        { streamType },
      );
      const log = recordEvents(el, ['avatar-ready', 'avatar-speak-start', 'avatar-speak-end', 'avatar-transcript', 'avatar-error']);
      await el.start();
      expect(log.of('avatar-ready')[0]).to.deep.equal({ provider: 'akool', sessionId: id, transport: streamType });
      const spoken = nextEvent(el, 'avatar-speak-end');
      await el.speak('Akool repeats this sentence.');
      await spoken;
      expect(log.types()).to.include('avatar-speak-start');
      expect(log.of('avatar-transcript').filter((t) => t.final)).to.deep.equal([
        { role: 'avatar', text: 'Akool repeats this sentence.', final: true },
      ]);
      expect(log.of('avatar-error')).to.deep.equal([]);
      await el.stop();
      expect(el.state).to.equal('ended');
      expect(stops).to.deep.equal([{ provider: 'akool', sessionId: id }]);
      expect(fake.requests).to.deep.equal([]);
    });
  }

  it('chat mode switches the session mode and the avatar answers; a relayed stop ends the element', async () => {
    const { el } = await avatarWith({ provider: 'akool', sessionId: 'ak-chat', transport: credentials.agora('ak-chat'), options: { modeType: 1 } });
    await el.start();
    const log = recordEvents(el, ['avatar-transcript', 'avatar-ended']);
    const started = nextEvent(el, 'avatar-speak-start');
    await el.speak('Is this the chat mode?', { mode: 'chat' });
    await started;
    // The emulated avatar answers in dialogue mode by quoting (a repeat would say the text itself).
    await waitFor(() => log.of('avatar-transcript').some((t) => t.text.includes('"Is this the chat mode?"')), 5000, 'the reply');

    const ended = nextEvent(el, 'avatar-ended');
    expect(fake.relay.publish('ak-chat', { type: 'stop', reason: 'timeout' })).to.equal(1);
    expect((await ended).detail.reason).to.equal('timeout');
    expect(el.state).to.equal('ended');
  });
});

describe('Akool through <streaming-avatar>: the fake avatar streams its chat without idx/fin', () => {
  let fake: ReturnType<typeof setUpFakeVendor>;
  let botChat: AkoolChatMessage[];
  const add = ChatAssembler.prototype.add;
  beforeEach(() => {
    fake = setUpFakeVendor(() => ({ status: 404, body: 'Akool needs no browser REST call' }), { akoolChat: 'unmarked' });
    // Every chat message the element's adapter reads (the emulation reads only the page's, from no one).
    botChat = [];
    ChatAssembler.prototype.add = function (message) {
      if (message.pld.from === 'bot') botChat.push(structuredClone(message));
      return add.call(this, message);
    };
  });
  afterEach(() => {
    ChatAssembler.prototype.add = add;
    fake.restore();
  });

  it('the transcript grows per piece and is final once, with the whole text, before the speaking ends', async () => {
    const id = 'ak-unmarked';
    const { el } = await avatarWith({
      provider: 'akool',
      sessionId: id,
      transport: { kind: 'agora', appId: 'fake-agora-app', channel: id, token: `fake-agora.${id}`, uid: 100000 },
      options: { modeType: 1 },
    });
    await el.start();
    const log = recordEvents(el, ['avatar-speak-end', 'avatar-transcript', 'avatar-error']);
    const spoken = nextEvent(el, 'avatar-speak-end');
    const sentence = 'Akool streams this sentence without marks.';
    await el.speak(sentence);
    await spoken;

    // What came over the data channel really was the unmarked form, in more than one piece.
    expect(botChat.length).to.be.greaterThan(1);
    for (const message of botChat) expect(message).to.not.have.any.keys('idx', 'fin');
    expect(new Set(botChat.map((message) => message.mid)).size).to.equal(1);
    expect(botChat.map((message) => message.pld.text).join('')).to.equal(sentence);

    const transcripts = log.of('avatar-transcript');
    const finals = transcripts.filter((t) => t.final);
    expect(finals).to.deep.equal([{ role: 'avatar', text: sentence, final: true }]);
    const partials = transcripts.filter((t) => !t.final).map((t) => t.text);
    expect(partials.length).to.equal(botChat.length);
    partials.forEach((text, i) => i > 0 && expect(text.startsWith(partials[i - 1]!)).to.equal(true));
    expect(log.types().slice(-2)).to.deep.equal(['avatar-transcript', 'avatar-speak-end']);
    expect(log.of('avatar-error')).to.deep.equal([]);
    await el.stop();
  });
});
