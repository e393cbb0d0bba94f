/**
 * Counts the page's RTCPeerConnections that are not closed, so tests can prove teardown released them.
 * Installed once per test file (each file runs in its own page).
 */
const created: RTCPeerConnection[] = [];
let installed = false;

export function trackPeerConnections(): void {
  if (installed) return;
  installed = true;
  const Native = window.RTCPeerConnection;
  class Tracked extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      created.push(this);
    }
  }
  window.RTCPeerConnection = Tracked;
}

export function openPeerConnections(): number {
  return created.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length;
}

/** Live tracks the element's <video> still holds. */
export function liveTracks(video: HTMLVideoElement): MediaStreamTrack[] {
  const stream = video.srcObject instanceof MediaStream ? video.srcObject : null;
  return stream ? stream.getTracks().filter((t) => t.readyState === 'live') : [];
}
