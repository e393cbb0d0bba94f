/**
 * Helpers every transport uses to put remote tracks on the element's one `<video>`. One MediaStream holds
 * at most one audio and one video track, so a replaced track never plays beside its predecessor.
 */

export function attachTrack(video: HTMLVideoElement, track: MediaStreamTrack): void {
  let stream = video.srcObject instanceof MediaStream ? video.srcObject : null;
  if (!stream) {
    stream = new MediaStream();
    video.srcObject = stream;
  }
  for (const existing of stream.getTracks()) {
    if (existing.kind === track.kind && existing !== track) stream.removeTrack(existing);
  }
  if (!stream.getTracks().includes(track)) stream.addTrack(track);
}

export function detachTrack(video: HTMLVideoElement, track: MediaStreamTrack): void {
  const stream = video.srcObject instanceof MediaStream ? video.srcObject : null;
  if (stream?.getTracks().includes(track)) stream.removeTrack(track);
}

/** Empties the `<video>`; does not stop the tracks (their owner does). */
export function detachAll(video: HTMLVideoElement): void {
  video.pause();
  video.srcObject = null;
  video.removeAttribute('src');
}

export function encodeText(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function decodeText(payload: Uint8Array): string {
  return new TextDecoder().decode(payload);
}
