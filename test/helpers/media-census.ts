/**
 * Counts what media a page has made and not released: peer connections, tracks (from canvases, WebAudio,
 * getUserMedia and peer connections) and audio contexts. Installed once per test file (its own page).
 */
const peerConnections: RTCPeerConnection[] = [];
const tracks = new Set<MediaStreamTrack>();
const audioContexts: AudioContext[] = [];
let installed = false;

export function installMediaCensus(): void {
  if (installed) return;
  installed = true;
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      peerConnections.push(this);
      this.addEventListener('track', (e) => tracks.add((e as RTCTrackEvent).track));
    }
  };
  const NativeAudioContext = window.AudioContext;
  window.AudioContext = class extends NativeAudioContext {
    constructor(options?: AudioContextOptions) {
      super(options);
      audioContexts.push(this);
    }
    override createMediaStreamDestination(): MediaStreamAudioDestinationNode {
      const node = super.createMediaStreamDestination();
      node.stream.getTracks().forEach((t) => tracks.add(t));
      return node;
    }
  };
  const captureStream = HTMLCanvasElement.prototype.captureStream;
  HTMLCanvasElement.prototype.captureStream = function (this: HTMLCanvasElement, rate?: number) {
    const stream = captureStream.call(this, rate);
    stream.getTracks().forEach((t) => tracks.add(t));
    return stream;
  };
}

export function census() {
  const mediaElements = (root: Document | ShadowRoot): number =>
    root.querySelectorAll('video, audio').length +
    [...root.querySelectorAll('*')].reduce((n, el) => n + (el.shadowRoot ? mediaElements(el.shadowRoot) : 0), 0);
  return {
    peerConnections: peerConnections.filter((pc) => pc.signalingState !== 'closed').length,
    liveTracks: [...tracks].filter((t) => t.readyState === 'live').length,
    openAudioContexts: audioContexts.filter((c) => c.state !== 'closed').length,
    mediaElements: mediaElements(document),
    createdPeerConnections: peerConnections.length,
  };
}
