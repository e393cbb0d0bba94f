// The bots' synthetic video: I420 frames with corner markers, a label, a face whose mouth moves while the
// bot speaks, and the frame counter (digits and a 16-bit strip), on a dark or chroma-green backdrop.
import { GLYPH_ADVANCE, glyph } from './font.js';
import { CHROMA_GREEN, DEFAULT_BACKDROP, type PictureLayout, type Rgb, pictureLayout } from './picture-layout.js';

export interface PictureSpec {
  /** Even numbers; default 320 × 240. */
  width?: number;
  height?: number;
  /** Frames per second; default 15. */
  fps?: number;
  /** Drawn at the top, e.g. "HeyGen (local fake)". */
  label?: string;
  /** `'chroma'` is #00ff00 (for the element's green-screen keying); default a dark slate. */
  backdrop?: 'chroma' | Rgb;
  /** The face (default true). */
  face?: boolean;
  /** Skin colour of the face, so bots can look distinct. */
  skin?: Rgb;
}

const WHITE: Rgb = [245, 245, 245];
const BLACK: Rgb = [12, 12, 12];

function yuv([r, g, b]: Rgb): [number, number, number] {
  return [
    Math.round(16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256),
    Math.round(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256),
    Math.round(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256),
  ];
}

/** Drawing on one I420 buffer. */
class Canvas420 {
  readonly data: Uint8Array;
  readonly #u: number;
  readonly #v: number;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = new Uint8Array((width * height * 3) / 2);
    this.#u = width * height;
    this.#v = this.#u + (width * height) / 4;
  }

  span(y: number, x0: number, x1: number, colour: Rgb): void {
    const { width, height } = this;
    if (y < 0 || y >= height) return;
    const from = Math.max(0, Math.round(x0));
    const to = Math.min(width, Math.round(x1));
    if (to <= from) return;
    const [Y, U, V] = yuv(colour);
    this.data.fill(Y, y * width + from, y * width + to);
    const row = (y >> 1) * (width >> 1);
    this.data.fill(U, this.#u + row + (from >> 1), this.#u + row + ((to + 1) >> 1));
    this.data.fill(V, this.#v + row + (from >> 1), this.#v + row + ((to + 1) >> 1));
  }

  rect(x: number, y: number, w: number, h: number, colour: Rgb): void {
    for (let row = Math.round(y); row < Math.round(y + h); row++) this.span(row, x, x + w, colour);
  }

  ellipse(cx: number, cy: number, rx: number, ry: number, colour: Rgb): void {
    if (rx <= 0 || ry <= 0) return;
    for (let row = Math.floor(cy - ry); row <= Math.ceil(cy + ry); row++) {
      const dy = (row + 0.5 - cy) / ry;
      if (Math.abs(dy) > 1) continue;
      const half = rx * Math.sqrt(1 - dy * dy);
      this.span(row, cx - half, cx + half, colour);
    }
  }

  text(text: string, x: number, y: number, scale: number, colour: Rgb): void {
    [...text].forEach((char, index) => {
      const rows = glyph(char);
      const left = x + index * GLYPH_ADVANCE * scale;
      rows.forEach((bits, row) => {
        for (let col = 0; col < 5; col++) {
          if (bits & (1 << (4 - col))) this.rect(left + col * scale, y + row * scale, scale, scale, colour);
        }
      });
    });
  }
}

/** Paints a bot's frames: the still parts once, the mouth and the counter per frame. */
export class PicturePainter {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly layout: PictureLayout;
  readonly #base: Canvas420;
  readonly #frame: Canvas420;
  readonly #backdrop: Rgb;
  readonly #face: boolean;

  constructor(spec: PictureSpec = {}) {
    this.width = (spec.width ?? 320) & ~1;
    this.height = (spec.height ?? 240) & ~1;
    this.fps = spec.fps ?? 15;
    this.layout = pictureLayout(this.width, this.height);
    this.#backdrop = spec.backdrop === 'chroma' ? CHROMA_GREEN : (spec.backdrop ?? DEFAULT_BACKDROP);
    this.#face = spec.face ?? true;
    this.#base = new Canvas420(this.width, this.height);
    this.#frame = new Canvas420(this.width, this.height);
    this.#paintStill(spec.label ?? '', spec.skin ?? [232, 184, 148]);
  }

  #paintStill(label: string, skin: Rgb): void {
    const c = this.#base;
    const { markers, face, label: place } = this.layout;
    c.rect(0, 0, this.width, this.height, this.#backdrop);
    for (const m of markers) c.rect(m.x, m.y, m.size, m.size, m.rgb);
    if (label) {
      const scale = Math.max(1, Math.min(3, Math.floor(place.maxWidth / (label.length * GLYPH_ADVANCE))));
      const width = (label.length * GLYPH_ADVANCE - 1) * scale;
      c.text(label, (this.width - width) / 2, place.y, scale, WHITE);
    }
    if (!this.#face) return;
    const { cx, cy, rx, ry } = face;
    c.ellipse(cx, cy - ry * 0.1, rx * 1.08, ry * 0.98, [70, 46, 34]); // hair
    c.ellipse(cx, cy + ry * 0.06, rx, ry * 0.9, skin);
    c.ellipse(cx - rx * 0.98, cy + ry * 0.05, rx * 0.1, ry * 0.16, skin); // ears
    c.ellipse(cx + rx * 0.98, cy + ry * 0.05, rx * 0.1, ry * 0.16, skin);
    for (const side of [-1, 1]) {
      const ex = cx + side * rx * 0.38;
      const ey = cy - ry * 0.12;
      c.rect(ex - rx * 0.2, ey - ry * 0.2, rx * 0.4, Math.max(2, ry * 0.05), [60, 40, 30]); // brows
      c.ellipse(ex, ey, rx * 0.17, ry * 0.1, WHITE);
      c.ellipse(ex, ey, rx * 0.08, rx * 0.08, [40, 60, 90]);
      c.ellipse(ex, ey, rx * 0.035, rx * 0.035, BLACK);
    }
    const shade: Rgb = [skin[0] - 30, skin[1] - 30, skin[2] - 30];
    c.ellipse(cx, cy + ry * 0.14, rx * 0.09, ry * 0.07, shade); // nose
  }

  /** Frame `n` (its counter), with the mouth open by `open` (0 = closed, 1 = wide). */
  frame(n: number, open: number): Uint8Array {
    const c = this.#frame;
    c.data.set(this.#base.data);
    const { face, strip, counter } = this.layout;
    if (this.#face) {
      const { cx, cy, rx, ry } = face;
      const my = cy + ry * 0.42;
      if (open <= 0.05) c.rect(cx - rx * 0.32, my - 1.5, rx * 0.64, 3, [150, 50, 60]);
      else {
        c.ellipse(cx, my, rx * (0.3 + 0.06 * open), ry * (0.03 + 0.14 * open), [150, 50, 60]);
        c.ellipse(cx, my, rx * (0.24 + 0.05 * open), ry * (0.015 + 0.11 * open), [70, 16, 26]);
      }
    }
    const digits = String(n);
    const scale = 2;
    c.text(digits, (this.width - (digits.length * GLYPH_ADVANCE - 1) * scale) / 2, counter.y, scale, WHITE);
    for (let bit = 0; bit < strip.bits; bit++) {
      const on = (n >> (strip.bits - 1 - bit)) & 1;
      c.rect(strip.x + bit * strip.cell, strip.y, strip.cell, strip.cell, on ? WHITE : BLACK);
    }
    return c.data;
  }
}
