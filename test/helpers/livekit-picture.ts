// Reads a test-server bot's picture back from a playing <video>: the corner marker colours and the frame
// counter (test/livekit-server/picture-layout.ts says where they are).
import { type MarkerName, type PictureLayout, type Rgb, pictureLayout, readCounter } from '../livekit-server/picture-layout.js';

/** The bots' default picture size. */
export const BOT_LAYOUT = pictureLayout(320, 240);

/** The current frame of `video`, scaled to the layout's size (the decoder may have scaled it). */
export function readFrame(video: HTMLVideoElement, layout: PictureLayout = BOT_LAYOUT): ImageData {
  const canvas = document.createElement('canvas');
  canvas.width = layout.width;
  canvas.height = layout.height;
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('No 2D canvas');
  context.drawImage(video, 0, 0, layout.width, layout.height);
  return context.getImageData(0, 0, layout.width, layout.height);
}

/** Mean colour of the middle half of each marker. */
export function markerColours(image: ImageData, layout: PictureLayout = BOT_LAYOUT): Record<MarkerName, Rgb> {
  const out = {} as Record<MarkerName, Rgb>;
  for (const m of layout.markers) {
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = m.y + m.size / 4; y < m.y + (3 * m.size) / 4; y++) {
      for (let x = m.x + m.size / 4; x < m.x + (3 * m.size) / 4; x++) {
        const i = (Math.round(y) * image.width + Math.round(x)) * 4;
        for (let c = 0; c < 3; c++) sum[c]! += image.data[i + c]!;
        n++;
      }
    }
    out[m.name] = sum.map((v) => Math.round(v / n)) as unknown as Rgb;
  }
  return out;
}

/** What is wrong with `video`'s current frame as a bot picture (empty: every marker where and as it should be). */
export function pictureProblems(video: HTMLVideoElement, tolerance = 60, layout: PictureLayout = BOT_LAYOUT): string[] {
  if (video.videoWidth === 0) return ['the <video> has no frame'];
  const seen = markerColours(readFrame(video, layout), layout);
  return layout.markers
    .filter((m) => m.rgb.some((v, c) => Math.abs(v - seen[m.name][c]!) > tolerance))
    .map((m) => `${m.name} marker is rgb(${seen[m.name].join(', ')}), expected rgb(${m.rgb.join(', ')})`);
}

/** Mean colour of a patch of backdrop (the middle of the left edge, between the markers). */
export function backdropColour(video: HTMLVideoElement, layout: PictureLayout = BOT_LAYOUT): Rgb {
  const image = readFrame(video, layout);
  const sum = [0, 0, 0];
  const x0 = Math.round(layout.markers[0]!.x);
  const y0 = Math.round(layout.height / 2 - 8);
  for (let y = y0; y < y0 + 16; y++) {
    for (let x = x0; x < x0 + 16; x++) for (let c = 0; c < 3; c++) sum[c]! += image.data[(y * image.width + x) * 4 + c]!;
  }
  return sum.map((v) => Math.round(v / 256)) as unknown as Rgb;
}

/** The frame number drawn in the current frame. */
export function frameCounter(video: HTMLVideoElement, layout: PictureLayout = BOT_LAYOUT): number {
  return readCounter(layout, readFrame(video, layout).data);
}

/** Resolves once `video` presents a new frame (requestVideoFrameCallback), or rejects after `timeoutMs`. */
export function nextFrame(video: HTMLVideoElement, timeoutMs = 10000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No video frame within ${timeoutMs} ms`)), timeoutMs);
    video.requestVideoFrameCallback(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Waits until the counter drawn in the picture passes `after` (the picture is live, not frozen). */
export async function counterPasses(video: HTMLVideoElement, after: number, timeoutMs = 10000): Promise<number> {
  const start = performance.now();
  for (;;) {
    await nextFrame(video, timeoutMs);
    const n = frameCounter(video);
    if (n > after) return n;
    if (performance.now() - start > timeoutMs) throw new Error(`The frame counter stayed at ${n} (≤ ${after}) for ${timeoutMs} ms`);
  }
}
