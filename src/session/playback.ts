export type PlaybackResult = 'playing' | 'muted-fallback' | 'failed' | 'interrupted';

/**
 * Starts the `<video>` the way browsers allow: with sound where permitted; otherwise muted (video only),
 * reporting `muted-fallback` so the element can show "tap to unmute". Mirrors `autoplay="any"` in
 * mux-player. `interrupted` means a newer load replaced this one; the next media change plays again.
 */
export async function playWithFallback(video: HTMLVideoElement, muted: boolean): Promise<PlaybackResult> {
  video.muted = muted;
  try {
    await video.play();
    return 'playing';
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'AbortError') return 'interrupted';
    if (muted || name !== 'NotAllowedError') return 'failed';
  }
  video.muted = true;
  try {
    await video.play();
    return 'muted-fallback';
  } catch (error) {
    return (error as { name?: string }).name === 'AbortError' ? 'interrupted' : 'failed';
  }
}
