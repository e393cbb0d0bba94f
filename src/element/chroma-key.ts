/**
 * The WebGL chroma key behind the `background` attribute. Loaded with `import()` only when `background`
 * is set, so the shaders never weigh on the core bundle. It draws each frame of the element's `<video>`
 * into a canvas, with pixels near the key colour made transparent (premultiplied alpha), so whatever is
 * behind the canvas (the chosen background) shows through.
 */

export interface ChromaKeyOptions {
  /** CSS colour of the vendor's backdrop. */
  keyColor: string;
  /** 0 (only the exact key colour) to 1 (almost any colour) — see `TOLERANCE_SCALE`. */
  tolerance: number;
}

export interface ChromaKey {
  readonly canvas: HTMLCanvasElement;
  /** Frames keyed so far. */
  readonly frames: number;
  update(options: ChromaKeyOptions): void;
  /** Stops the frame loop and releases the GL context; the canvas is left empty. Safe to call twice. */
  dispose(): void;
}

/** The largest distance between two sRGB colours in the CbCr plane (green to magenta): tolerance 1. */
const TOLERANCE_SCALE = 1.07;
/** Width of the soft edge past the tolerance, in the same units: anti-aliased hair, no hard fringe. */
const SOFTNESS = 0.08;

const VERTEX = `
attribute vec2 a_position;
varying vec2 v_uv;
void main() {
  v_uv = vec2(a_position.x * 0.5 + 0.5, 0.5 - a_position.y * 0.5);
  gl_Position = vec4(a_position, 0.0, 1.0);
}`;

// GLSL ES 1.00, which both WebGL 1 and 2 compile. Distance in the CbCr plane (brightness ignored), so
// lighter and darker areas of a flat backdrop key alike. Edge pixels lose the key's tint (spill) by
// moving towards grey as they become transparent.
const FRAGMENT = `
precision mediump float;
varying vec2 v_uv;
uniform sampler2D u_frame;
uniform vec2 u_key;
uniform float u_threshold;
uniform float u_softness;
vec2 chroma(vec3 c) {
  return vec2(dot(c, vec3(-0.168736, -0.331264, 0.5)), dot(c, vec3(0.5, -0.418688, -0.081312)));
}
void main() {
  vec3 rgb = texture2D(u_frame, v_uv).rgb;
  float d = distance(chroma(rgb), u_key);
  float alpha = smoothstep(u_threshold, u_threshold + u_softness, d);
  float spill = 1.0 - smoothstep(u_threshold, u_threshold + 2.0 * u_softness, d);
  rgb = mix(rgb, vec3(dot(rgb, vec3(0.299, 0.587, 0.114))), spill);
  gl_FragColor = vec4(rgb * alpha, alpha);
}`;

type GL = WebGLRenderingContext | WebGL2RenderingContext;

/** Resolves any CSS colour to sRGB 0..1 by painting one pixel, so every syntax the browser knows works. */
export function colorToRgb(color: string): [number, number, number] {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return [0, 1, 0];
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, 1, 1);
  const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
  return [r / 255, g / 255, b / 255];
}

function compile(gl: GL, type: number, source: string): WebGLShader | null {
  const shader = gl.createShader(type);
  if (!shader) return null;
  gl.shaderSource(shader, source);
  gl.compileShader(shader);
  return gl.getShaderParameter(shader, gl.COMPILE_STATUS) ? shader : null;
}

function program(gl: GL): WebGLProgram | null {
  const vertex = compile(gl, gl.VERTEX_SHADER, VERTEX);
  const fragment = compile(gl, gl.FRAGMENT_SHADER, FRAGMENT);
  const prog = gl.createProgram();
  if (!vertex || !fragment || !prog) return null;
  gl.attachShader(prog, vertex);
  gl.attachShader(prog, fragment);
  gl.bindAttribLocation(prog, 0, 'a_position');
  gl.linkProgram(prog);
  gl.deleteShader(vertex);
  gl.deleteShader(fragment);
  return gl.getProgramParameter(prog, gl.LINK_STATUS) ? prog : null;
}

/** WebGL 2, else WebGL 1; `undefined` where neither is available (the caller falls back to the plain video). */
function context(canvas: HTMLCanvasElement): GL | undefined {
  // desynchronized: frames go to the compositor straight from the canvas, without waiting on the page's
  // own frame. With software GL (no GPU) that skips a full-frame readback per frame, which alone cost more
  // than the 33 ms of a 30 fps frame at 720p; a video has no DOM it must stay in step with.
  const attributes: WebGLContextAttributes = { alpha: true, premultipliedAlpha: true, antialias: false, depth: false, stencil: false, desynchronized: true };
  try {
    return (canvas.getContext('webgl2', attributes) ?? canvas.getContext('webgl', attributes)) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts keying `video` into a new canvas. Returns `undefined` when the page has no WebGL (or the shaders
 * do not compile), leaving nothing behind. If the browser later takes the context away (it caps live
 * contexts per page and drops the oldest; GPU resets), the keyer disposes itself and calls `onLost`.
 */
export function createChromaKey(video: HTMLVideoElement, options: ChromaKeyOptions, onLost?: () => void): ChromaKey | undefined {
  const canvas = document.createElement('canvas');
  const gl = context(canvas);
  const prog = gl && program(gl);
  if (!gl || !prog) {
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
    return undefined;
  }
  gl.useProgram(prog);
  const buffer = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  const texture = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, texture);
  // Video sizes are rarely powers of two: clamp and no mipmaps, which WebGL 1 requires for them.
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.uniform1i(gl.getUniformLocation(prog, 'u_frame'), 0);
  const keyAt = gl.getUniformLocation(prog, 'u_key');
  const thresholdAt = gl.getUniformLocation(prog, 'u_threshold');
  gl.uniform1f(gl.getUniformLocation(prog, 'u_softness'), SOFTNESS);

  const update = ({ keyColor, tolerance }: ChromaKeyOptions) => {
    const [r, g, b] = colorToRgb(keyColor);
    gl.uniform2f(keyAt, -0.168736 * r - 0.331264 * g + 0.5 * b, 0.5 * r - 0.418688 * g - 0.081312 * b);
    gl.uniform1f(thresholdAt, tolerance * TOLERANCE_SCALE);
  };
  update(options);

  let frames = 0;
  let disposed = false;
  let videoHandle: number | undefined;
  let animationHandle: number | undefined;
  // requestVideoFrameCallback runs once per new video frame; requestAnimationFrame (where it is missing)
  // runs per display frame, so it skips frames the video has not advanced past.
  const useVideoFrames = typeof video.requestVideoFrameCallback === 'function';
  let lastTime = -1;

  const draw = () => {
    if (disposed) return;
    schedule();
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA || video.videoWidth === 0) return;
    if (!useVideoFrames && video.currentTime === lastTime) return;
    lastTime = video.currentTime;
    // No more pixels than the screen shows (a 720p avatar in a 480 px box keys 480x270), never more than the video has.
    const { videoWidth: w, videoHeight: h } = video;
    const scale = Math.min(1, Math.max((canvas.clientWidth * devicePixelRatio) / w, (canvas.clientHeight * devicePixelRatio) / h)) || 1;
    const width = Math.round(w * scale);
    const height = Math.round(h * scale);
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
      gl.viewport(0, 0, width, height);
    }
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGB, gl.RGB, gl.UNSIGNED_BYTE, video);
    gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    frames++;
  };
  const schedule = () => {
    if (useVideoFrames) videoHandle = video.requestVideoFrameCallback(draw);
    else animationHandle = requestAnimationFrame(draw);
  };
  // No restore: a context dropped for the page's cap would likely be dropped again, so the caller falls
  // back to the plain video (hence no preventDefault, which only asks for webglcontextrestored).
  const lost = () => {
    if (disposed) return; // Our own loseContext() in dispose().
    keyer.dispose();
    onLost?.();
  };
  canvas.addEventListener('webglcontextlost', lost);

  // A frame may already be showing (the first one, which made the session `connected`): draw it now,
  // and from then on each new one (draw schedules the next).
  draw();

  const keyer: ChromaKey = {
    canvas,
    get frames() {
      return frames;
    },
    update,
    dispose() {
      if (disposed) return;
      disposed = true;
      canvas.removeEventListener('webglcontextlost', lost);
      if (videoHandle !== undefined) video.cancelVideoFrameCallback(videoHandle);
      if (animationHandle !== undefined) cancelAnimationFrame(animationHandle);
      gl.deleteTexture(texture);
      gl.deleteBuffer(buffer);
      gl.deleteProgram(prog);
      // Browsers cap live GL contexts per page: give this one back now, not at garbage collection.
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      canvas.width = canvas.height = 0;
    },
  };
  return keyer;
}
