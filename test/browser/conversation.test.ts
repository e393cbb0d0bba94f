import { expect, fixture, html } from '@open-wc/testing';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { AvatarError } from '../../src/errors/avatar-error.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { registerProvider } from '../../src/providers/registry.js';
import { splitText } from '../../src/session/split-text.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { installFakeMicrophone } from '../helpers/fake-microphone.js';
import { installScriptedTransport } from '../helpers/scripted-transport.js';

const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as { type: string; text?: string };

describe('splitText', () => {
  it('splits at sentence boundaries, in order, within the limit', () => {
    const text = 'First sentence here. Second one is a bit longer! Third? Fourth and last sentence.';
    const pieces = splitText(text, 40);
    expect(pieces.every((p) => p.length <= 40)).to.equal(true);
    expect(pieces.join(' ').replace(/\s+/g, ' ')).to.equal(text);
    expect(pieces[0]).to.equal('First sentence here.');
  });

  it('falls back to words, then characters, for overlong sentences', () => {
    const sentence = 'word '.repeat(30).trim() + '.';
    const pieces = splitText(sentence, 22);
    expect(pieces.every((p) => p.length <= 22)).to.equal(true);
    expect(pieces.join(' ')).to.equal(sentence);
    const blob = 'x'.repeat(50);
    expect(splitText(blob, 20)).to.deep.equal(['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(10)]);
  });

  it('leaves short text alone and drops empty text', () => {
    expect(splitText('  Hello.  ', 100)).to.deep.equal(['Hello.']);
    expect(splitText('   ', 100)).to.deep.equal([]);
  });
});

describe('conversation', () => {
  let el: StreamingAvatarElement;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await el?.stop();
    cleanups.splice(0).forEach((c) => c());
  });

  /** A provider built on the local one, with vendor limits and capabilities the test picks. */
  async function vendorLike(name: string, overrides: (context: ProviderContext) => Record<string, unknown>) {
    const local = await import('../../src/providers/local.js');
    cleanups.push(
      registerProvider(name, {
        needsServer: false,
        expectedTransport: () => 'local',
        load: async () => ({ createProvider: (context) => ({ ...local.createProvider(context), ...overrides(context) }) }),
      }),
    );
  }

  it('texts longer than the vendor accepts are sent as sentence-sized pieces, in order', async () => {
    const scripted = installScriptedTransport('local');
    cleanups.push(scripted.restore);
    await vendorLike('capped', () => ({ maxTextLength: 50 }));
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="capped"></streaming-avatar>`);
    await el.start();
    const text = Array.from({ length: 8 }, (_, i) => `This is sentence number ${i + 1}.`).join(' ');
    await el.speak(text);
    const sent = scripted.instances[0].sent.map(decode);
    expect(sent.length).to.be.greaterThan(3);
    expect(sent.every((m) => m.type === 'speak' && m.text!.length <= 50)).to.equal(true);
    expect(sent.map((m) => m.text).join(' ')).to.equal(text);
  });

  it('interrupt() resolves "unsupported" where the vendor has none', async () => {
    await vendorLike('no-interrupt', () => ({ interrupt: async () => 'unsupported' }));
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="no-interrupt"></streaming-avatar>`);
    await el.start();
    expect(await el.interrupt()).to.equal('unsupported');
  });

  it('voice chat publishes the microphone; the local avatar hears it and answers', async () => {
    const mic = installFakeMicrophone();
    cleanups.push(mic.restore);
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const log = recordEvents(el, ['avatar-voice-chat-change', 'avatar-transcript']);
    await el.startVoiceChat();
    expect(el.hasAttribute('listening')).to.equal(true);
    expect(el.voiceChatState).to.deep.equal({ active: true, pushToTalk: false, micMuted: false });
    expect(log.of('avatar-voice-chat-change')[0]).to.deep.equal({ active: true, pushToTalk: false, micMuted: false });
    // Voice-chat constraints: echo cancellation, noise suppression, auto gain.
    expect(mic.constraints[0].audio).to.deep.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    // The visitor talks through the loopback; the local avatar detects speech and answers honestly.
    await mic.talk(700);
    await waitFor(() => log.of('avatar-transcript').some((t) => t.role === 'user' && t.text === '(speech)'), 8000, 'heard speech');
    await waitFor(() => log.of('avatar-transcript').some((t) => t.role === 'avatar' && t.final && t.text.includes('cannot understand')), 15000, 'reply');
    await el.setMicMuted(true);
    expect(el.hasAttribute('listening')).to.equal(false);
    expect(el.voiceChatState.micMuted).to.equal(true);
    await el.stopVoiceChat();
    expect(el.voiceChatState.active).to.equal(false);
    expect(log.of('avatar-voice-chat-change').at(-1)).to.deep.equal({ active: false, pushToTalk: false, micMuted: false });
  });

  it('the voice-chat attribute starts voice chat once connected, in push-to-talk mode when asked', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar voice-chat="push-to-talk"></streaming-avatar>`);
    const change = nextEvent(el, 'avatar-voice-chat-change');
    await el.start();
    expect((await change).detail).to.deep.equal({ active: true, pushToTalk: true, micMuted: true });
    expect(el.hasAttribute('listening')).to.equal(false);
  });

  it('barge-in: the user talking over the avatar interrupts it; no-barge-in turns that off', async () => {
    const interrupts: number[] = [];
    await vendorLike('counting', (context) => ({
      interrupt: async () => {
        interrupts.push(Date.now());
        await context.transport.send(new TextEncoder().encode(JSON.stringify({ type: 'interrupt' })));
        return 'ok';
      },
    }));
    const mic = installFakeMicrophone();
    cleanups.push(mic.restore);
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="counting" no-barge-in></streaming-avatar>`);
    await el.start();
    await el.startVoiceChat();
    const long = 'This is a long monologue that goes on and on. '.repeat(8);
    const started = nextEvent(el, 'avatar-speak-start');
    await el.speak(long);
    await started;
    await mic.talk(600);
    expect(interrupts).to.have.length(0);
    expect(el.speaking).to.equal(true);
    el.noBargeIn = false;
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 900)); // a pause, so the next words are a new utterance
    await mic.talk(600);
    await waitFor(() => interrupts.length > 0, 3000, 'barge-in interrupt');
    await waitFor(() => !el.speaking, 3000, 'avatar stopped');
  });

  it('microphone failures are typed, non-fatal, and leave the session running', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    await el.start();
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    const cases: [string, string][] = [
      ['NotAllowedError', 'mic-denied'],
      ['NotFoundError', 'mic-not-found'],
      ['NotReadableError', 'mic-failed'],
    ];
    try {
      for (const [name, code] of cases) {
        navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('no', name));
        const error = nextEvent(el, 'avatar-error');
        expect(await el.startVoiceChat().catch((e: AvatarError) => e.code)).to.equal(code);
        const { detail } = await error;
        expect(detail.code).to.equal(code);
        expect(detail.fatal).to.equal(false);
        expect(el.state).to.equal('connected');
        expect(el.voiceChatState.active).to.equal(false);
      }
    } finally {
      navigator.mediaDevices.getUserMedia = real;
    }
  });

  it('voice chat needs a connected session', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    expect(await el.startVoiceChat().catch((e: AvatarError) => e.code)).to.equal('not-started');
  });
});
