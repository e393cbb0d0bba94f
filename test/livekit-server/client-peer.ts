// The server's side of one client's WebRTC: one peer connection answering the client's offers (`/rtc/v1`),
// or a publisher one that answers and a subscriber one that offers (`/rtc`). It sends the bots' tracks,
// receives the client's microphone and data channels, and relays only 127.0.0.1 candidates.
import { MediaSectionsRequirement, SessionDescription, SignalResponse, SignalTarget, TrickleRequest } from '@livekit/protocol';
import type { BotMedia } from './bot-media.js';
import { isLoopbackCandidate, rewriteSdp, sdpSections } from './sdp.js';
import { wrtc } from './wrtc.js';

type Message = SignalResponse['message'];

export interface PeerHost {
  signal(message: Message): void;
  /** Bytes from the client's data channel `_reliable` (reliable) or `_lossy`. */
  data(bytes: Uint8Array, reliable: boolean): void;
  /** A track the client publishes arrived, on section `mid`. */
  track(track: MediaStreamTrack, mid: string | undefined): void;
  /** The client's offer changed which sections it sends on (a track unpublished: its section stopped sending). */
  sections(offer: string): void;
}

/** A bot track this client receives. */
export interface OutTrack {
  participantSid: string;
  trackSid: string;
  kind: 'audio' | 'video';
  media: BotMedia;
}

interface Sent {
  out: OutTrack;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
}

export class ClientPeer {
  readonly mode: 'single' | 'dual';
  /** The peer connection that answers the client's offers (the client's publisher). */
  readonly #answerer: RTCPeerConnection;
  /** Dual mode: the one the server offers on (the client's subscriber). */
  readonly #offerer?: RTCPeerConnection;
  readonly #host: PeerHost;
  readonly #wanted = new Map<string, OutTrack>();
  readonly #sent = new Map<string, Sent>();
  /** Sections already used for a track (never reused: the client keeps its receiver per section). */
  readonly #usedMids = new Set<string>();
  readonly #channels: RTCDataChannel[] = [];
  readonly #outChannels = new Map<'reliable' | 'lossy', RTCDataChannel>();
  readonly #pendingCandidates = new Map<RTCPeerConnection, RTCIceCandidateInit[]>();
  #chain: Promise<unknown> = Promise.resolve();
  #lastOffer = '';
  #offerId = 0;
  #answered?: (sdp: string) => void;
  #offerAgain = false;
  #closed = false;

  constructor(mode: 'single' | 'dual', host: PeerHost) {
    this.mode = mode;
    this.#host = host;
    this.#answerer = this.#create(SignalTarget.PUBLISHER);
    if (mode === 'dual') {
      this.#offerer = this.#create(SignalTarget.SUBSCRIBER);
      const reliable = this.#offerer.createDataChannel('_reliable', { ordered: true });
      const lossy = this.#offerer.createDataChannel('_lossy', { ordered: false, maxRetransmits: 0 });
      this.#adopt(reliable, true);
      this.#adopt(lossy, true);
    }
  }

  #create(target: SignalTarget): RTCPeerConnection {
    const pc = new (wrtc().RTCPeerConnection)({ iceServers: [] });
    this.#pendingCandidates.set(pc, []);
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate?.candidate || !isLoopbackCandidate(candidate.candidate)) return;
      const init = { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex, usernameFragment: candidate.usernameFragment };
      this.#host.signal({ case: 'trickle', value: new TrickleRequest({ candidateInit: JSON.stringify(init), target }) });
    };
    pc.ondatachannel = ({ channel }) => this.#adopt(channel, false);
    pc.ontrack = (event) => {
      if (event.track.kind === 'audio' || event.track.kind === 'video') this.#host.track(event.track, event.transceiver?.mid ?? undefined);
    };
    return pc;
  }

  /** Keeps a data channel: every one is read; `_reliable`/`_lossy` are also where the server writes. */
  #adopt(channel: RTCDataChannel, own: boolean): void {
    channel.binaryType = 'arraybuffer';
    this.#channels.push(channel);
    const kind = channel.label === '_reliable' ? 'reliable' : channel.label === '_lossy' ? 'lossy' : undefined;
    if (kind && (own || this.mode === 'single')) this.#outChannels.set(kind, channel);
    channel.onmessage = ({ data }: MessageEvent) => {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(data as ArrayBufferLike);
      if (kind) this.#host.data(bytes, kind === 'reliable');
    };
  }

  /** The client's offer (its publisher): answered in order with the offers before it. */
  handleOffer(offer: SessionDescription): Promise<void> {
    return this.#serial(() => this.#answer(offer));
  }

  /** Dual mode: the client's answer to the server's subscriber offer. */
  handleAnswer(answer: SessionDescription): void {
    this.#answered?.(answer.sdp);
  }

  /** A client candidate (`target` says which of its connections); anything not on 127.0.0.1 is dropped. */
  addCandidate(candidateInit: string, target: SignalTarget): void {
    let init: RTCIceCandidateInit;
    try {
      init = JSON.parse(candidateInit) as RTCIceCandidateInit;
    } catch {
      return;
    }
    if (!init.candidate || !isLoopbackCandidate(init.candidate)) return;
    const pc = target === SignalTarget.SUBSCRIBER && this.#offerer ? this.#offerer : this.#answerer;
    const pending = this.#pendingCandidates.get(pc);
    if (!pc.remoteDescription && pending) pending.push(init);
    else pc.addIceCandidate(init).catch(() => undefined);
  }

  /** Dual mode: the first subscriber offer (the data channels, and any bot tracks). */
  start(): void {
    if (this.#offerer) this.#negotiateOfferer();
  }

  /** The bot tracks this client should receive; `negotiate` false before the first offer/answer. */
  setTracks(tracks: OutTrack[], negotiate = true): void {
    this.#wanted.clear();
    for (const track of tracks) this.#wanted.set(track.trackSid, track);
    if (this.#closed || !negotiate) return;
    if (this.#offerer) this.#negotiateOfferer();
    else void this.#serial(async () => this.#askForSections());
  }

  sendData(bytes: Uint8Array, reliable: boolean): void {
    const channel = this.#outChannels.get(reliable ? 'reliable' : 'lossy') ?? this.#outChannels.get('reliable');
    if (!channel || this.#closed) return;
    const send = () => channel.readyState === 'open' && channel.send(new Uint8Array(bytes));
    if (channel.readyState === 'open') send();
    else channel.addEventListener('open', send, { once: true });
  }

  /** Closes once the client has closed its side (or after `ms`). */
  closeSoon(ms: number): void {
    const timer = setTimeout(() => this.close(), ms);
    timer.unref();
    this.#answerer.addEventListener('connectionstatechange', () => {
      if (this.#answerer.connectionState !== 'connected') {
        clearTimeout(timer);
        this.close();
      }
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#answered?.('');
    for (const channel of this.#channels) channel.close();
    for (const { out, track } of this.#sent.values()) out.media.release(track);
    this.#sent.clear();
    this.#answerer.close();
    this.#offerer?.close();
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(() => (this.#closed ? undefined : task()));
    this.#chain = run.catch(() => undefined);
    return run as Promise<T>;
  }

  async #setRemote(pc: RTCPeerConnection, description: RTCSessionDescriptionInit): Promise<void> {
    await pc.setRemoteDescription(description);
    for (const init of this.#pendingCandidates.get(pc)?.splice(0) ?? []) await pc.addIceCandidate(init).catch(() => undefined);
  }

  /** Streams by mid, for the msid rewrite, and the mid → track map the client reads. */
  #streams(): { streams: Map<string, { participantSid: string; trackSid: string }>; midToTrackId: Record<string, string> } {
    const streams = new Map<string, { participantSid: string; trackSid: string }>();
    const midToTrackId: Record<string, string> = {};
    for (const { out, transceiver } of this.#sent.values()) {
      if (!transceiver.mid) continue;
      streams.set(transceiver.mid, { participantSid: out.participantSid, trackSid: out.trackSid });
      midToTrackId[transceiver.mid] = out.trackSid;
    }
    return { streams, midToTrackId };
  }

  /** Tracks no longer wanted stop being sent (their section goes inactive). */
  #dropUnwanted(): void {
    for (const [sid, sent] of this.#sent) {
      if (this.#wanted.has(sid)) continue;
      this.#sent.delete(sid);
      void sent.transceiver.sender.replaceTrack(null).catch(() => undefined);
      sent.transceiver.direction = 'inactive';
      sent.out.media.release(sent.track);
    }
  }

  async #answer(offer: SessionDescription): Promise<void> {
    const pc = this.#answerer;
    this.#lastOffer = offer.sdp;
    await this.#setRemote(pc, { type: 'offer', sdp: offer.sdp });
    this.#host.sections(offer.sdp);
    if (this.mode === 'single') await this.#placeTracks();
    await pc.setLocalDescription(await pc.createAnswer());
    const { streams, midToTrackId } = this.#streams();
    const sdp = rewriteSdp(pc.localDescription!.sdp, this.mode === 'single' ? streams : new Map());
    this.#host.signal({
      case: 'answer',
      value: new SessionDescription({ type: 'answer', sdp, id: offer.id, midToTrackId: this.mode === 'single' ? midToTrackId : {} }),
    });
    if (this.mode === 'single') this.#askForSections();
  }

  /** Single mode: each wanted track on a free receive section the client offered. */
  async #placeTracks(): Promise<void> {
    this.#dropUnwanted();
    const offered = new Map(sdpSections(this.#lastOffer).map((s) => [s.mid, s]));
    for (const out of this.#wanted.values()) {
      if (this.#sent.has(out.trackSid)) continue;
      const transceiver = this.#answerer
        .getTransceivers()
        .find((t) => t.mid && !this.#usedMids.has(t.mid) && offered.get(t.mid)?.direction === 'recvonly' && offered.get(t.mid)?.kind === out.kind);
      if (!transceiver) continue;
      this.#usedMids.add(transceiver.mid!);
      const track = out.media.track(out.kind);
      transceiver.direction = 'sendonly';
      await transceiver.sender.replaceTrack(track);
      this.#sent.set(out.trackSid, { out, track, transceiver });
    }
  }

  /**
   * Single mode: the client only receives on sections it offered. When tracks wait (or stopped), ask it for
   * more sections (or none, which still makes it offer again), as the real server does.
   */
  #askForSections(): void {
    const waiting = [...this.#wanted.values()].filter((out) => !this.#sent.has(out.trackSid));
    const stale = [...this.#sent.keys()].some((sid) => !this.#wanted.has(sid));
    if (waiting.length === 0 && !stale) return;
    const offered = sdpSections(this.#lastOffer).filter((s) => s.direction === 'recvonly' && s.mid && !this.#usedMids.has(s.mid));
    const missing = (kind: string) =>
      Math.max(0, waiting.filter((o) => o.kind === kind).length - offered.filter((s) => s.kind === kind).length);
    this.#host.signal({ case: 'mediaSectionsRequirement', value: new MediaSectionsRequirement({ numAudios: missing('audio'), numVideos: missing('video') }) });
  }

  /** Dual mode: (re)offers on the subscriber connection, one negotiation at a time. */
  #negotiateOfferer(): void {
    if (this.#answered) {
      this.#offerAgain = true;
      return;
    }
    void this.#serial(async () => {
      const pc = this.#offerer!;
      do {
        this.#offerAgain = false;
        this.#dropUnwanted();
        for (const out of this.#wanted.values()) {
          if (this.#sent.has(out.trackSid)) continue;
          const track = out.media.track(out.kind);
          const transceiver = pc.addTransceiver(track, { direction: 'sendonly' });
          this.#sent.set(out.trackSid, { out, track, transceiver });
        }
        const answered = new Promise<string>((resolve) => (this.#answered = resolve));
        await pc.setLocalDescription(await pc.createOffer());
        const { streams, midToTrackId } = this.#streams();
        this.#host.signal({
          case: 'offer',
          value: new SessionDescription({ type: 'offer', sdp: rewriteSdp(pc.localDescription!.sdp, streams), id: ++this.#offerId, midToTrackId }),
        });
        const sdp = await answered;
        this.#answered = undefined;
        if (this.#closed || !sdp) return;
        await this.#setRemote(pc, { type: 'answer', sdp });
      } while (this.#offerAgain && !this.#closed);
    });
  }
}
