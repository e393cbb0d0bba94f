// Where things are in a bot's synthetic picture, shared by the Node drawing code and the browser tests
// that check the decoded frames (no Node imports here).

export type Rgb = readonly [number, number, number];

export const CHROMA_GREEN: Rgb = [0, 255, 0];
export const DEFAULT_BACKDROP: Rgb = [34, 42, 58];

/** Four corner markers in colours that survive chroma subsampling and compression, and are not green. */
export const MARKER_COLOURS = {
  topLeft: [255, 0, 0],
  topRight: [0, 0, 255],
  bottomLeft: [255, 255, 0],
  bottomRight: [255, 0, 255],
} as const satisfies Record<string, Rgb>;

export type MarkerName = keyof typeof MARKER_COLOURS;

export interface Marker {
  name: MarkerName;
  rgb: Rgb;
  x: number;
  y: number;
  size: number;
}

export interface PictureLayout {
  width: number;
  height: number;
  markers: Marker[];
  /** The frame counter as bits, most significant first, white = 1, along the bottom edge. */
  strip: { x: number; y: number; cell: number; bits: number };
  face: { cx: number; cy: number; rx: number; ry: number };
  /** Top of the label text, and the room it has between the top markers. */
  label: { y: number; maxWidth: number };
  /** Top of the frame counter digits. */
  counter: { y: number };
}

export function pictureLayout(width: number, height: number): PictureLayout {
  const size = Math.round(Math.min(width, height) * 0.16);
  const margin = Math.round(size * 0.25);
  const markers: Marker[] = (Object.keys(MARKER_COLOURS) as MarkerName[]).map((name) => ({
    name,
    rgb: MARKER_COLOURS[name],
    x: name.endsWith('Left') ? margin : width - margin - size,
    y: name.startsWith('top') ? margin : height - margin - size,
    size,
  }));
  const inner = width - 2 * (2 * margin + size);
  const bits = 16;
  const cell = Math.max(4, Math.floor(inner / bits / 2) * 2);
  const strip = { x: Math.round((width - cell * bits) / 2), y: height - margin - cell, cell, bits };
  return {
    width,
    height,
    markers,
    strip,
    face: { cx: width / 2, cy: height * 0.47, rx: Math.min(width * 0.2, height * 0.24), ry: height * 0.27 },
    label: { y: margin, maxWidth: inner },
    counter: { y: strip.y - margin - 14 },
  };
}

/** The frame counter read from RGBA pixels of the whole picture (a canvas's ImageData). */
export function readCounter(layout: PictureLayout, rgba: Uint8ClampedArray): number {
  const { x, y, cell, bits } = layout.strip;
  let value = 0;
  for (let bit = 0; bit < bits; bit++) {
    const px = Math.round(x + bit * cell + cell / 2);
    const py = Math.round(y + cell / 2);
    const i = (py * layout.width + px) * 4;
    const luma = 0.299 * rgba[i]! + 0.587 * rgba[i + 1]! + 0.114 * rgba[i + 2]!;
    value = value * 2 + (luma > 128 ? 1 : 0);
  }
  return value;
}
