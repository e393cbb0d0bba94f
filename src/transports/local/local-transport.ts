import { AvatarError, toAvatarError } from '../../errors/avatar-error.js';
import { VoiceActivity } from '../../session/voice-activity.js';
import { attachTrack, detachTrack } from '../media.js';
import { loadMicrophone } from '../microphone-loader.js';
import type { LocalCredentials, MicrophoneOptions, Transport, TransportOptions } from '../transport.js';
import { LocalAvatar } from './local-avatar.js';
import { getLocalProtocol, type LocalProtocol } from './local-protocols.js';

export { registerLocalProtocol, localReply } from './local-protocols.js';
export type { LocalAvatarPeer, LocalProtocol, LocalProtocolFactory } from './local-protocols.js';

/** Big enough for any command; the SCTP limit is far above it. Enforced like a vendor SDK's limit. */
const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * A real WebRTC session with no network: the avatar (a canvas face and a WebAudio voice) sends its tracks
 * through a loopback pair of RTCPeerConnections into the element's `<video>`, and talks to the provider
 * over a real data channel. It exercises the same path as a remote transport: ICE, decoding, autoplay.
 */
export class LocalTransport implements Transport {
  readonly kind = 'local';
  readonly maxMessageBytes = MAX_MESSAGE_BYTES;

  private avatar?: LocalAvatar;
  private avatarPc?: RTCPeerConnection;
  private viewerPc?: RTCPeerConnection;
  private viewerChannel?: RTCDataChannel;
  private protocol?: LocalProtocol;
  private micSender?: RTCRtpSender;
  private mic?: MediaStreamTrack;
  private closed = false;
  private joined = false;
  private hearing?: VoiceActivity;

  constructor(private readonly options: TransportOptions<LocalCredentials>) {}

  async connect(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new AvatarError('aborted', 'The local session was aborted.');
    const protocolName = this.options.credentials.protocol ?? 'local';
    const protocolFactory = getLocalProtocol(protocolName);
    if (!protocolFactory) {
      throw new AvatarError('transport-join-failed', `The local transport has no "${protocolName}" protocol.`);
    }
    const video = this.options.video;
    try {
      const avatar = new LocalAvatar({
        language: typeof this.options.credentials.language === 'string' ? this.options.credentials.language : undefined,
        // Speech synthesis bypasses the <video>, so it must never speak while the element is muted.
        allowSpeechSynthesis: () => !video.muted,
      });
      this.avatar = avatar;
      const avatarPc = (this.avatarPc = new RTCPeerConnection());
      const viewerPc = (this.viewerPc = new RTCPeerConnection());
      avatarPc.onicecandidate = (e) => e.candidate && viewerPc.addIceCandidate(e.candidate).catch(() => undefined);
      viewerPc.onicecandidate = (e) => e.candidate && avatarPc.addIceCandidate(e.candidate).catch(() => undefined);

      const stream = new MediaStream([avatar.videoTrack, avatar.audioTrack]);
      avatarPc.addTrack(avatar.videoTrack, stream);
      avatarPc.addTrack(avatar.audioTrack, stream);
      // A second audio m-line, negotiated up front, carries the microphone later without renegotiation.
      avatarPc.addTransceiver('audio', { direction: 'recvonly' });
      const avatarChannel = avatarPc.createDataChannel('avatar', { negotiated: true, id: 0, ordered: true });
      const viewerChannel = (this.viewerChannel = viewerPc.createDataChannel('avatar', {
        negotiated: true,
        id: 0,
        ordered: true,
      }));
      avatarChannel.binaryType = viewerChannel.binaryType = 'arraybuffer';

      this.protocol = protocolFactory({
        avatar,
        credentials: this.options.credentials,
        send: (payload) => {
          if (avatarChannel.readyState === 'open') avatarChannel.send(payload as Uint8Array<ArrayBuffer>);
        },
        end: (reason) => {
          if (!this.closed && this.joined) this.options.host.disconnected(reason);
        },
      });
      avatarChannel.onmessage = (e) => this.protocol?.receive(toBytes(e.data));
      viewerChannel.onmessage = (e) => {
        if (!this.closed) this.options.host.data(toBytes(e.data));
      };
      avatarPc.ontrack = (e) => {
        // The viewer's microphone, as the avatar hears it (silent until voice chat puts a track on it).
        if (e.track.kind !== 'audio' || this.hearing) return;
        this.hearing = new VoiceActivity(() => e.track, {
          start: () => this.protocol?.userSpeech?.(true),
          end: () => this.protocol?.userSpeech?.(false),
        });
      };
      viewerPc.ontrack = (e) => {
        if (this.closed) return;
        attachTrack(video, e.track);
        this.options.host.mediaChanged();
      };

      // Negotiation promises never settle once the connections are closed: check before each step.
      const live = <T>(value: T): T => {
        if (this.closed) throw new AvatarError('aborted', 'The local session was closed while connecting.');
        return value;
      };
      const offer = live(await avatarPc.createOffer());
      live(await avatarPc.setLocalDescription(offer));
      live(await viewerPc.setRemoteDescription(offer));
      for (const transceiver of viewerPc.getTransceivers()) {
        if (transceiver.receiver.track.kind === 'video') this.preferCodec(transceiver);
      }
      const micTransceiver = viewerPc.getTransceivers().find(
        (t) => t.receiver.track.kind === 'audio' && t.mid === avatarPc.getTransceivers()[2]?.mid,
      );
      if (micTransceiver) {
        micTransceiver.direction = 'sendonly';
        this.micSender = micTransceiver.sender;
      }
      const answer = live(await viewerPc.createAnswer());
      live(await viewerPc.setLocalDescription(answer));
      live(await avatarPc.setRemoteDescription(answer));

      await this.waitForJoin(viewerPc, viewerChannel, signal);
      this.joined = true;
      this.watchConnection(viewerPc);
    } catch (error) {
      await this.disconnect();
      throw toAvatarError(error, 'transport-join-failed', 'The local transport could not connect');
    }
  }

  async send(payload: Uint8Array): Promise<void> {
    if (payload.byteLength > this.maxMessageBytes) {
      throw new AvatarError(
        'transport-data-too-large',
        `A data message of ${payload.byteLength} bytes is over the local transport's ${this.maxMessageBytes}-byte limit.`,
        { fatal: false },
      );
    }
    const channel = this.viewerChannel;
    if (!channel || channel.readyState !== 'open') {
      throw new AvatarError('transport-send-failed', 'The data channel is not open.', { fatal: false });
    }
    channel.send(payload as Uint8Array<ArrayBuffer>);
  }

  async startMicrophone(options?: MicrophoneOptions): Promise<void> {
    if (!this.micSender) throw new AvatarError('mic-failed', 'The session is not connected.', { fatal: false });
    const { openMicrophone } = await loadMicrophone();
    if (this.closed) throw closedWhileStarting();
    const track = await openMicrophone(options);
    if (this.closed) {
      // stop() ran during the permission prompt: disconnect() never saw this track, so nothing else stops it.
      track.stop();
      throw closedWhileStarting();
    }
    this.mic?.stop();
    this.mic = track;
    await this.micSender.replaceTrack(track);
    if (this.avatar) this.avatar.listening = true;
  }

  /** Our own capture: nothing here replaces it (one that ends stays ended, and the session ends voice chat). */
  microphoneTrack(): MediaStreamTrack | undefined {
    return this.mic;
  }

  async stopMicrophone(): Promise<void> {
    await this.micSender?.replaceTrack(null).catch(() => undefined);
    this.mic?.stop();
    this.mic = undefined;
    if (this.avatar) this.avatar.listening = false;
  }

  async setMicrophoneMuted(muted: boolean): Promise<void> {
    if (this.mic) this.mic.enabled = !muted;
    if (this.avatar) this.avatar.listening = Boolean(this.mic) && !muted;
  }

  async resumeAudio(): Promise<void> {
    await this.avatar?.resumeAudio();
  }

  async disconnect(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hearing?.dispose();
    this.protocol?.dispose();
    this.mic?.stop();
    this.viewerChannel?.close();
    for (const pc of [this.viewerPc, this.avatarPc]) {
      if (!pc) continue;
      pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
      for (const receiver of pc.getReceivers()) {
        // Only our own tracks: a newer session may already own the <video>.
        detachTrack(this.options.video, receiver.track);
        receiver.track.stop();
      }
      pc.close();
    }
    this.avatar?.dispose();
  }

  private preferCodec(transceiver: RTCRtpTransceiver): void {
    const wanted = `video/${this.options.videoEncoding}`.toLowerCase();
    const codecs = RTCRtpReceiver.getCapabilities?.('video')?.codecs ?? [];
    const preferred = codecs.filter((c) => c.mimeType.toLowerCase() === wanted);
    if (preferred.length === 0 || typeof transceiver.setCodecPreferences !== 'function') return;
    transceiver.setCodecPreferences([...preferred, ...codecs.filter((c) => c.mimeType.toLowerCase() !== wanted)]);
  }

  private waitForJoin(pc: RTCPeerConnection, channel: RTCDataChannel, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pc.connectionState === 'failed') return done(new AvatarError('transport-join-failed', 'ICE failed on loopback.'));
        if (pc.connectionState === 'connected' && channel.readyState === 'open') done();
      };
      const onAbort = () => done(new AvatarError('aborted', 'The local session was aborted.'));
      const timer = setTimeout(
        () => done(new AvatarError('transport-join-timeout', `The local transport did not connect within ${this.options.joinTimeoutMs} ms.`)),
        this.options.joinTimeoutMs,
      );
      const done = (error?: AvatarError) => {
        clearTimeout(timer);
        pc.removeEventListener('connectionstatechange', check);
        channel.removeEventListener('open', check);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      pc.addEventListener('connectionstatechange', check);
      channel.addEventListener('open', check);
      signal.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  private watchConnection(pc: RTCPeerConnection): void {
    pc.onconnectionstatechange = () => {
      if (this.closed || !this.joined) return;
      const { host } = this.options;
      switch (pc.connectionState) {
        case 'disconnected':
          host.reconnecting();
          break;
        case 'connected':
          host.reconnected();
          break;
        case 'failed':
        case 'closed':
          host.disconnected('network', new AvatarError('transport-disconnected', 'The local connection was lost.'));
          break;
        default:
          break;
      }
    };
  }
}

function closedWhileStarting(): AvatarError {
  return new AvatarError('aborted', 'The local session was closed while the microphone was starting.', { fatal: false });
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  return new Uint8Array(0);
}

export function createTransport(options: TransportOptions): Transport {
  if (options.credentials.kind !== 'local') {
    throw new AvatarError('transport-join-failed', `The local transport cannot join a "${options.credentials.kind}" session.`);
  }
  return new LocalTransport(options as TransportOptions<LocalCredentials>);
}
