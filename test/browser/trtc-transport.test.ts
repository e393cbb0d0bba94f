import { expect } from '@open-wc/testing';
import type { TrtcCredentials } from '../../src/transports/transport.js';
import { createTrtcTransport } from '../../src/transports/trtc.js';
import { createFakeTrtc, ERROR_CODE, type FakeTrtc, FakeRtcError, type TrtcFakeOptions } from '../fakes/fake-trtc.js';
import { nextEvent, waitFor } from '../helpers/events.js';
import { type Harness, leftovers, startHarness, videoTracks } from '../helpers/transport-harness.js';

const credentials: TrtcCredentials = { kind: 'trtc', sdkAppId: 1400000001, roomId: 'room-abc', userId: 'viewer-1', userSig: 'usersig-abcdefgh-9999' };

describe('TRTC transport (fake trtc-sdk-v5)', () => {
  let harness: Harness;
  let fake: FakeTrtc;

  function start(options: TrtcFakeOptions = {}, { creds = credentials, joinTimeoutMs }: { creds?: TrtcCredentials; joinTimeoutMs?: number } = {}): Harness {
    fake = createFakeTrtc(options);
    harness = startHarness({
      credentials: creds,
      joinTimeoutMs,
      create: (transportOptions) => createTrtcTransport(transportOptions, async () => fake.sdk),
    });
    return harness;
  }

  async function expectTornDown(): Promise<void> {
    await harness.el.stop();
    for (const client of fake.clients) {
      expect(client.exitCalls, 'exitRoom() calls').to.be.greaterThan(0);
      expect(client.destroyed, 'destroy() called').to.equal(true);
    }
    const listeners = fake.clients.reduce((sum, client) => sum + client.listenerCount(), 0);
    expect(leftovers(harness, listeners)).to.deep.equal([]);
    await harness.dispose();
  }

  afterEach(async () => {
    await harness?.dispose();
  });

  it('enters a string room with strRoomId as an anchor, without the SDK dialog, and plays only the avatar', async () => {
    start({ avatarUserId: null }, { creds: { ...credentials, avatarUserId: 'avatar-2' } });
    const started = harness.el.start();
    await waitFor(() => fake.clients.length === 1 && fake.client.entered !== undefined, 5000, 'enterRoom()');
    const other = fake.client.publishUser('someone-else', 0);
    const avatar = fake.client.publishUser('avatar-2', 120);
    await started;

    const entered = fake.client.entered!;
    expect(entered).to.include({ sdkAppId: 1400000001, strRoomId: 'room-abc', userId: 'viewer-1', userSig: credentials.userSig });
    expect(entered).not.to.have.property('roomId');
    expect(entered.role).to.equal('anchor');
    expect(entered).to.include({ autoReceiveAudio: true, autoReceiveVideo: true, enableAutoPlayDialog: false });
    expect(fake.client.options).to.deep.equal({ enableAutoPlayDialog: false });
    expect(fake.logLevels).to.deep.equal([{ level: 4, upload: false }]);
    expect(harness.el.state).to.equal('connected');
    expect(harness.video.videoWidth).to.be.greaterThan(0);
    // Only the avatar's main stream: not the other user, not a screen share.
    expect(videoTracks(harness.video)).to.have.members([avatar.audio, avatar.video]);
    expect(videoTracks(harness.video)).not.to.include(other.video);
    // The SDK's own audio player is turned down for every user; the avatar's audio plays from the <video>.
    expect([...fake.client.volumes]).to.deep.equal([['*', 0]]);
    await expectTornDown();
  });

  it('enters a numeric room with roomId', async () => {
    start({}, { creds: { ...credentials, roomId: 8080 } });
    await harness.el.start();
    expect(fake.client.entered).to.include({ roomId: 8080 });
    expect(fake.client.entered).not.to.have.property('strRoomId');
    expect(videoTracks(harness.video).map((t) => t.kind).sort()).to.deep.equal(['audio', 'video']);
    await expectTornDown();
  });

  it('sends custom messages, delivers received ones, and refuses messages over 1 KB', async () => {
    start();
    await harness.el.start();
    const transport = harness.transport();
    await transport.send(new TextEncoder().encode('{"v":2,"type":"chat"}'));
    expect(fake.client.sent).to.have.length(1);
    expect(fake.client.sent[0]!.cmdId).to.equal(1);
    expect(new TextDecoder().decode(fake.client.sent[0]!.data)).to.equal('{"v":2,"type":"chat"}');

    fake.client.receive('avatar', new TextEncoder().encode('{"v":2,"type":"event"}'));
    expect(harness.received.map((b) => new TextDecoder().decode(b))).to.deep.equal(['{"v":2,"type":"event"}']);

    // The SDK's own limit is 1000 bytes, whatever its docs say (1 KB).
    expect(transport.maxMessageBytes).to.equal(1000);
    const error = await transport.send(new Uint8Array(1001)).catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-data-too-large', fatal: false });
    expect(fake.client.sent).to.have.length(1);
    await expectTornDown();
  });

  it('publishes, mutes and stops the microphone with voice processing on, ignoring its own track', async () => {
    start();
    await harness.el.start();
    const before = videoTracks(harness.video);
    await harness.el.startVoiceChat();
    const local = fake.client.localAudio!;
    expect(local.config).to.deep.include({ publish: true });
    expect(local.config?.option).to.include({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
    expect(videoTracks(harness.video)).to.have.members(before);
    // The captured track is what barge-in listens to.
    expect(harness.transport().microphoneTrack?.()).to.equal(local.track);
    await harness.el.setMicMuted(true);
    expect(local.track.enabled).to.equal(false);
    await harness.el.setMicMuted(false);
    expect(local.track.enabled).to.equal(true);
    await harness.el.stopVoiceChat();
    expect(local.track.readyState).to.equal('ended');
    expect(fake.client.localAudio).to.equal(undefined);
    await expectTornDown();
  });

  for (const [micError, code] of [
    ['NotAllowedError', 'mic-denied'],
    ['NotFoundError', 'mic-not-found'],
  ] as const) {
    it(`reports a DEVICE_ERROR from ${micError} as ${code} and keeps the session`, async () => {
      start({ micError });
      await harness.el.start();
      const error = await harness.el.startVoiceChat().catch((e: unknown) => e);
      expect(error).to.include({ code, fatal: false });
      expect(harness.events.of('avatar-error').map((e) => e.code)).to.deep.equal([code]);
      expect(harness.el.state).to.equal('connected');
      await expectTornDown();
    });
  }

  it('maps AUTOPLAY_FAILED to audio-blocked and calls its resume() on the next gesture', async () => {
    start();
    await harness.el.start();
    const blocked = nextEvent(harness.el, 'avatar-autoplay-blocked');
    fake.client.emit('autoplay-failed', { userId: 'avatar', mediaType: 'audio', resume: async () => void fake.client.resumeCalls++ });
    await blocked;
    expect(harness.el.hasAttribute('audio-blocked')).to.equal(true);
    document.body.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await waitFor(() => !harness.el.hasAttribute('audio-blocked'), 3000, 'audio unblocked');
    expect(fake.client.resumeCalls).to.equal(1);
    await expectTornDown();
  });

  it('moves to reconnecting while the SDK reconnects by itself, and back to connected', async () => {
    start();
    await harness.el.start();
    // The SDK's own sequence for a dropped connection (it never emits RECONNECTING at room level).
    fake.client.connection('DISCONNECTED', 'CONNECTED');
    expect(harness.el.state).to.equal('reconnecting');
    fake.client.connection('CONNECTING', 'DISCONNECTED', true);
    expect(harness.el.state).to.equal('reconnecting');
    fake.client.connection('CONNECTED', 'CONNECTING');
    expect(harness.el.state).to.equal('connected');
    // A second drop is reported again.
    fake.client.connection('DISCONNECTED', 'CONNECTED');
    expect(harness.el.state).to.equal('reconnecting');
    fake.client.connection('CONNECTED', 'DISCONNECTED');
    expect(harness.el.state).to.equal('connected');
    expect(harness.hostCalls.filter((c) => c === 'disconnected')).to.deep.equal([]);
    await expectTornDown();
  });

  it('ends in error with transport-disconnected when a reconnection does not come back within the join time limit', async () => {
    start({}, { joinTimeoutMs: 300 });
    await harness.el.start();
    fake.client.connection('DISCONNECTED', 'CONNECTED');
    fake.client.connection('CONNECTING', 'DISCONNECTED', true);
    expect(harness.el.state).to.equal('reconnecting');
    await waitFor(() => harness.el.state === 'error', 3000, 'the reconnect time limit');
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    await expectTornDown();
  });

  it('reports a send the SDK refuses (its checks reject a promise it types as void)', async () => {
    start();
    await harness.el.start();
    const error = await harness.transport().send(new Uint8Array(0)).catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-send-failed', fatal: false });
    expect(fake.client.sent).to.have.length(0);
    await expectTornDown();
  });

  it('refuses to send while the SDK reconnects (it would drop the message silently)', async () => {
    start();
    await harness.el.start();
    fake.client.connection('DISCONNECTED', 'CONNECTED');
    const error = await harness.transport().send(new TextEncoder().encode('{}')).catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-send-failed', fatal: false });
    fake.client.connection('CONNECTED', 'CONNECTING');
    await harness.transport().send(new TextEncoder().encode('{}'));
    expect(fake.client.sent).to.have.length(1);
    await expectTornDown();
  });

  it('plays the new video after a media reconnection that announces only the new audio', async () => {
    start();
    await harness.el.start();
    const media = fake.client.rebuild('avatar');
    expect(videoTracks(harness.video)).to.have.members([media.audio, media.video]);
    expect(harness.el.state).to.equal('connected');
    await expectTornDown();
  });

  it('keeps the session when the SDK reports a device or decoding error; the device error is a non-fatal mic-failed', async () => {
    start();
    await harness.el.start();
    // With no microphone in use (voice chat off), a device error concerns nobody.
    fake.client.emit('error', new FakeRtcError(ERROR_CODE.DEVICE_ERROR, 5309, 'recapture failed'));
    expect(harness.events.of('avatar-error')).to.deep.equal([]);
    await harness.el.startVoiceChat();
    fake.client.emit('error', new FakeRtcError(ERROR_CODE.DEVICE_ERROR, 5309, `recapture failed, userSig=${credentials.userSig}`));
    fake.client.emit('error', new FakeRtcError(ERROR_CODE.OPERATION_FAILED, 5507, 'video decode failed'));
    expect(harness.el.state).to.equal('connected');
    expect(harness.hostCalls).to.not.include('disconnected');
    const errors = harness.events.of('avatar-error');
    expect(errors.map(({ code, fatal }) => ({ code, fatal }))).to.deep.equal([{ code: 'mic-failed', fatal: false }]);
    expect(errors[0]!.message).to.equal('The microphone stopped: recapture failed, userSig=[redacted]');
    expect(harness.el.voiceChatState.active).to.equal(false);
    await expectTornDown();
  });

  it('reads an expired userSig from the error the scheduler refusal wraps', async () => {
    start();
    await harness.el.start();
    const refusal = new FakeRtcError(ERROR_CODE.SERVER_ERROR, 70001, 'userSig expired');
    fake.client.emit('error', new FakeRtcError(ERROR_CODE.OPERATION_FAILED, undefined, 'schedule failed', refusal));
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-token-expired', reason: 'timeout' });
    await expectTornDown();
  });

  it('ends in error when the SDK reports an error it could not recover from', async () => {
    start();
    await harness.el.start();
    fake.client.emit('error', new FakeRtcError(ERROR_CODE.OPERATION_FAILED, 5502, 'reconnection failed'));
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'network' });
    expect(harness.el.error?.message).to.contain('reconnection failed');
    await expectTornDown();
  });

  it('ends with transport-token-expired when the userSig expires mid-session', async () => {
    start();
    await harness.el.start();
    fake.client.emit('error', new FakeRtcError(ERROR_CODE.SERVER_ERROR, 70001, 'userSig expired'));
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-token-expired', reason: 'timeout' });
    await expectTornDown();
  });

  it('ends in error when kicked out, and ends (vendor) when the room is disbanded or the avatar leaves', async () => {
    start();
    await harness.el.start();
    fake.client.kick('kick');
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-disconnected', reason: 'vendor' });
    expect(harness.el.error?.message).to.contain('kick');
    await expectTornDown();

    start();
    await harness.el.start();
    fake.client.kick('room_disband');
    expect(harness.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    await expectTornDown();

    start();
    await harness.el.start();
    fake.client.userExits('avatar');
    expect(harness.outcome()).to.deep.equal({ state: 'ended', code: undefined, reason: 'vendor' });
    await expectTornDown();
  });

  it('reports an expired userSig at enterRoom as transport-token-expired without leaking it', async () => {
    start({ join: 'token-expired' });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-token-expired' });
    expect(harness.el.error?.message).not.to.contain(credentials.userSig);
    await expectTornDown();
  });

  it('reports a rejected enterRoom as transport-join-failed without leaking the userSig', async () => {
    start({ join: 'rejected' });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-join-failed' });
    expect(harness.el.error?.message).to.contain('schedule failed');
    expect(harness.el.error?.message).not.to.contain(credentials.userSig);
    await expectTornDown();
  });

  it('gives up an enterRoom that does not settle with transport-join-timeout', async () => {
    start({ join: 'hang' }, { joinTimeoutMs: 200 });
    const error = await harness.el.start().catch((e: unknown) => e);
    expect(error).to.include({ code: 'transport-join-timeout' });
    expect(harness.outcome()).to.deep.equal({ state: 'error', code: 'transport-join-timeout', reason: 'error' });
    expect(fake.client.exitCalls).to.equal(1);
    await expectTornDown();
  });

  it('stopping the element stops the microphone, exits the room, then destroys the instance', async () => {
    start();
    await harness.el.start();
    await harness.el.startVoiceChat();
    const mic = fake.client.localAudio!.track;
    await harness.el.stop();
    expect(harness.el.state).to.equal('ended');
    expect(mic.readyState).to.equal('ended');
    await expectTornDown();
  });
});
