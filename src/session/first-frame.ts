import { AvatarError } from '../errors/avatar-error.js';

/**
 * Resolves when the `<video>` has really shown a decoded frame (`requestVideoFrameCallback`, or
 * `loadeddata` with a size where that API is missing). A joined room that never delivers a frame (UDP
 * blocked by a firewall, say) fails with `media-timeout` instead of a silent black box.
 */
export function waitForFirstFrame(video: HTMLVideoElement, signal: AbortSignal, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let handle: number | undefined;
    const cleanup = () => {
      clearTimeout(timer);
      video.removeEventListener('loadeddata', onData);
      video.removeEventListener('resize', onData);
      signal.removeEventListener('abort', onAbort);
      if (handle !== undefined) video.cancelVideoFrameCallback?.(handle);
    };
    const done = (error?: AvatarError) => {
      cleanup();
      if (error) reject(error);
      else resolve();
    };
    const onData = () => {
      if (video.videoWidth > 0 && video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) done();
    };
    const onAbort = () => done(new AvatarError('aborted', 'Aborted while waiting for video.'));
    const timer = setTimeout(
      () =>
        done(
          new AvatarError(
            'media-timeout',
            `Connected, but no video arrived within ${Math.round(timeoutMs / 1000)} s. A firewall may be blocking media.`,
          ),
        ),
      timeoutMs,
    );
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    video.addEventListener('loadeddata', onData);
    video.addEventListener('resize', onData);
    if (typeof video.requestVideoFrameCallback === 'function') {
      handle = video.requestVideoFrameCallback(() => done());
    }
    onData();
  });
}
