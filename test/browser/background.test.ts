// `background`: the WebGL chroma key on a real green test frame, its fallbacks (no WebGL, a lost context, a
// failed chunk load, no constructable stylesheets), bad values,
// and teardown (GL context, frame loop) after stop and removal.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import '../../src/define.js';
import { BackgroundController, type BackgroundViewLoader } from '../../src/element/background.js';
import { backgroundStyles } from '../../src/element/background-styles.js';
import { BackgroundView } from '../../src/element/background-view.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { AvatarState } from '../../src/session/session-types.js';
import { nextEvent, recordEvents, waitFor } from '../helpers/events.js';
import { installGreenScreen, KEPT } from '../helpers/green-screen.js';

type GL = WebGLRenderingContext | WebGL2RenderingContext;

// Instrumentation: every GL context the page creates, and each video's outstanding frame callbacks.
const glContexts: GL[] = [];
const pendingFrames = new Map<HTMLVideoElement, Set<number>>();
const nativeGetContext = HTMLCanvasElement.prototype.getContext;
let refuseWebGl = false;
HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, id: string, options?: unknown) {
  if (refuseWebGl && /^(webgl|webgl2|experimental-webgl)$/.test(id)) return null;
  const context = (nativeGetContext as (id: string, options?: unknown) => RenderingContext | null).call(this, id, options);
  if ((context instanceof WebGLRenderingContext || context instanceof WebGL2RenderingContext) && !glContexts.includes(context)) {
    glContexts.push(context);
  }
  return context;
} as typeof HTMLCanvasElement.prototype.getContext;
const videoProto = HTMLVideoElement.prototype;
const nativeRequest = videoProto.requestVideoFrameCallback;
const nativeCancel = videoProto.cancelVideoFrameCallback;
videoProto.requestVideoFrameCallback = function (this: HTMLVideoElement, callback: VideoFrameRequestCallback) {
  const pending = pendingFrames.get(this) ?? new Set<number>();
  pendingFrames.set(this, pending);
  const handle: number = nativeRequest.call(this, (now, metadata) => {
    pending.delete(handle);
    callback(now, metadata);
  });
  pending.add(handle);
  return handle;
};
videoProto.cancelVideoFrameCallback = function (this: HTMLVideoElement, handle: number) {
  pendingFrames.get(this)?.delete(handle);
  nativeCancel.call(this, handle);
};

const parts = (el: StreamingAvatarElement) => {
  const root = el.shadowRoot!;
  return {
    video: root.querySelector('video')!,
    layer: root.querySelector<HTMLElement>('[part~="background"]')!,
    canvas: root.querySelector<HTMLCanvasElement>('[part~="background-canvas"]'),
  };
};

/** The output canvas once it has keyed a frame: it takes the frame's size (or its box's) only when it draws one. */
async function keyedCanvas(el: StreamingAvatarElement, size: [number, number] = [160, 90]): Promise<HTMLCanvasElement> {
  const drawn = () => parts(el).canvas?.width === size[0] && parts(el).canvas?.height === size[1];
  await waitFor(drawn, 5000, `a keyed ${size.join('x')} frame on the canvas`);
  return parts(el).canvas!;
}

/**
 * RGBA at (x, y) fractions of the output canvas, read right after the element keyed a new frame: in a
 * frame callback registered after the element's own, before the drawing buffer is presented and cleared.
 */
function readOutput(el: StreamingAvatarElement, points: [number, number][]): Promise<number[][]> {
  const { video, canvas } = parts(el);
  const gl = (canvas!.getContext('webgl2') ?? canvas!.getContext('webgl'))!;
  return new Promise((resolve) => {
    video.requestVideoFrameCallback(() => {
      resolve(
        points.map(([fx, fy]) => {
          const pixel = new Uint8Array(4);
          gl.readPixels(Math.floor(canvas!.width * fx), Math.floor(canvas!.height * (1 - fy)), 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, pixel);
          return [...pixel];
        }),
      );
    });
  });
}

/**
 * A bare host for the background controller and view (the element builds its own, with the real chunk
 * import): `background` observed like the element's, and the layer and video in its shadow root.
 */
class BackgroundTestHost extends LitElement {
  static override properties = { background: { type: String } };
  declare background?: string;
  state: AvatarState = 'idle';
  layer: HTMLElement = Object.assign(document.createElement('div'), { className: 'background-layer' });
  readonly video = document.createElement('video');
  override render() {
    return html`${this.layer}${this.video}`;
  }
}
customElements.define('background-test-host', BackgroundTestHost);

/** A host whose controller loads the chunk through `load`, connected with `background` already set. */
async function hostWithLoader(load: BackgroundViewLoader, background = 'rgb(1, 2, 3)'): Promise<BackgroundTestHost> {
  const host = document.createElement('background-test-host') as BackgroundTestHost;
  host.layer = new BackgroundController(host, host.video, load).layer;
  host.setAttribute('background', background);
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(host);
  await host.updateComplete;
  return host;
}

/** The real chunk, except that the first `failures` imports fail as an offline page or a bad deploy would. */
function flakyLoader(failures: number) {
  const loader = {
    calls: 0,
    load: (() => {
      loader.calls++;
      if (loader.calls <= failures) return Promise.reject(new TypeError('Failed to fetch dynamically imported module'));
      return import('../../src/element/background-view.js');
    }) as BackgroundViewLoader,
  };
  return loader;
}

const near = (actual: number[], expected: readonly number[], slack = 20) => expected.every((v, i) => Math.abs(actual[i] - v) <= slack);

describe('background (chroma key)', () => {
  let uninstall: () => void;
  let el: StreamingAvatarElement | undefined;

  beforeEach(() => {
    uninstall = installGreenScreen();
  });
  afterEach(async () => {
    refuseWebGl = false;
    await el?.stop();
    el?.remove();
    el = undefined;
    uninstall();
  });

  const make = async (attrs: string) => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    host.innerHTML = `<streaming-avatar provider="green-screen" ${attrs}></streaming-avatar>`;
    el = host.querySelector('streaming-avatar')!;
    await el.updateComplete;
    return el;
  };

  it('really runs on WebGL in this browser (so the keying tests below test the shader)', () => {
    const gl = document.createElement('canvas').getContext('webgl2') ?? document.createElement('canvas').getContext('webgl');
    expect(gl, 'WebGL in headless Chromium (SwiftShader)').to.not.equal(null);
    gl!.getExtension('WEBGL_lose_context')?.loseContext();
  });

  it('keys the green backdrop out: green pixels become transparent, the other colour stays opaque', async () => {
    const el = await make('background="transparent"');
    await el.start();
    const canvas = await keyedCanvas(el);
    const [green, kept, greenEdge, keptEdge] = await readOutput(el, [
      [0.25, 0.5],
      [0.75, 0.5],
      [0.05, 0.1],
      [0.95, 0.9],
    ]);
    expect(green[3], 'alpha of a green pixel').to.equal(0);
    expect(greenEdge[3], 'alpha of another green pixel').to.equal(0);
    expect(kept[3], 'alpha of a kept pixel').to.equal(255);
    expect(keptEdge[3]).to.equal(255);
    expect(near(kept, KEPT), `kept colour ${kept} ≈ ${KEPT}`).to.equal(true);
    // The canvas is the frame's size, and replaces the video on screen; the video still plays (sound).
    expect([canvas.width, canvas.height]).to.deep.equal([160, 90]);
    const { video } = parts(el);
    expect(getComputedStyle(video).opacity).to.equal('0');
    expect(video.paused).to.equal(false);
    expect(el.hasAttribute('background-fallback')).to.equal(false);
  });

  it('key-color and key-tolerance apply live: keying the other colour instead keeps the green', async () => {
    const el = await make('background="transparent"');
    await el.start();
    await keyedCanvas(el);
    el.setAttribute('key-color', `rgb(${KEPT.join(', ')})`);
    await el.updateComplete;
    let [green, kept] = await readOutput(el, [
      [0.25, 0.5],
      [0.75, 0.5],
    ]);
    expect(kept[3]).to.equal(0);
    expect(green[3]).to.equal(255);
    // A key a little off the backdrop's green: the default tolerance still removes the backdrop, 0 does not.
    el.setAttribute('key-color', '#00e000');
    await el.updateComplete;
    [green, kept] = await readOutput(el, [
      [0.25, 0.5],
      [0.75, 0.5],
    ]);
    expect(green[3]).to.equal(0);
    el.setAttribute('key-tolerance', '0');
    await el.updateComplete;
    [green, kept] = await readOutput(el, [
      [0.25, 0.5],
      [0.75, 0.5],
    ]);
    expect(green[3]).to.be.greaterThan(0);
    expect(kept[3]).to.equal(255);
  });

  it('keys no more pixels than the box shows: a 1280x720 video in a 480 px element keys 480x270', async () => {
    uninstall();
    uninstall = installGreenScreen(1280, 720);
    const el = await make('background="transparent" style="--streaming-avatar-width: 480px"');
    await el.start();
    const canvas = await keyedCanvas(el, [480 * devicePixelRatio, 270 * devicePixelRatio]);
    expect([canvas.width, canvas.height]).to.deep.equal([480 * devicePixelRatio, 270 * devicePixelRatio]);
    const [green, kept] = await readOutput(el, [
      [0.25, 0.5],
      [0.75, 0.5],
    ]);
    expect([green[3], kept[3]]).to.deep.equal([0, 255]);
  });

  it('paints the chosen colour or image behind the canvas, and the host background gives way', async () => {
    const el = await make('background="rgb(1, 2, 3)"');
    // Painted by the lazily loaded part, once it is in.
    await waitFor(() => getComputedStyle(parts(el).layer).backgroundColor === 'rgb(1, 2, 3)', 5000, 'the background colour');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgba(0, 0, 0, 0)');
    el.setAttribute('background', 'url("data:image/gif;base64,R0lGODlhAQABAAAAACw=")');
    await el.updateComplete;
    expect(getComputedStyle(parts(el).layer).backgroundImage).to.contain('url(');
    expect(getComputedStyle(parts(el).layer).backgroundColor).to.equal('rgba(0, 0, 0, 0)');
    el.removeAttribute('background');
    await el.updateComplete;
    expect(getComputedStyle(parts(el).layer).backgroundImage).to.equal('none');
    expect(getComputedStyle(el).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
  });

  it('without WebGL: the plain video over the background colour, background-fallback set, no error', async () => {
    refuseWebGl = true;
    const el = await make('background="rgb(1, 2, 3)"');
    const log = recordEvents(el, ['avatar-error']);
    await el.start();
    await waitFor(() => el.hasAttribute('background-fallback'), 5000, 'background-fallback');
    expect(el.state).to.equal('connected');
    expect(log.events).to.deep.equal([]);
    expect(parts(el).canvas).to.equal(null);
    const { video, layer } = parts(el);
    expect(video.classList.contains('keyed')).to.equal(false);
    expect(getComputedStyle(layer).backgroundColor).to.equal('rgb(1, 2, 3)');
    // The attribute describes the current background: removing it clears the flag.
    el.removeAttribute('background');
    await el.updateComplete;
    expect(el.hasAttribute('background-fallback')).to.equal(false);
  });

  const badValues: [string, string][] = [
    ['background', 'not-a-colour'],
    ['background', 'url(a.png) extra'],
    ['key-color', 'banana'],
    ['key-color', 'var(--brand)'],
    ['key-tolerance', '2'],
    ['key-tolerance', 'loose'],
  ];
  for (const [attribute, value] of badValues) {
    it(`${attribute}="${value}" is a typed invalid-attribute error and a visible error state`, async () => {
      const el = await make('');
      const error = nextEvent(el, 'avatar-error');
      el.setAttribute(attribute, value);
      const { detail } = await error;
      expect(detail.code).to.equal('invalid-attribute');
      expect(detail.attribute).to.equal(attribute);
      expect(detail.message).to.contain(value);
      await el.updateComplete;
      expect(el.state).to.equal('error');
      expect(el.shadowRoot!.querySelector('[part~="status"]')!.textContent).to.contain(value);
      el.removeAttribute(attribute);
      await el.updateComplete;
      expect(el.state).to.equal('idle');
    });
  }

  it('stop() releases the GL context and the frame loop; a new session keys again', async () => {
    const el = await make('background="transparent"');
    const before = glContexts.length;
    await el.start();
    await keyedCanvas(el);
    const { video } = parts(el);
    expect(glContexts.length).to.equal(before + 1);
    expect(pendingFrames.get(video)?.size).to.equal(1);
    await el.stop();
    await el.updateComplete;
    expect(parts(el).canvas).to.equal(null);
    expect(glContexts.every((gl) => gl.isContextLost())).to.equal(true);
    expect(pendingFrames.get(video)?.size ?? 0).to.equal(0);
    expect(video.classList.contains('keyed')).to.equal(false);

    await el.start();
    await keyedCanvas(el);
    const [green] = await readOutput(el, [[0.25, 0.5]]);
    expect(green[3]).to.equal(0);
    expect(glContexts.filter((gl) => !gl.isContextLost()).length).to.equal(1);
  });

  it('removal releases them too, but a move within one task keeps the same canvas', async () => {
    const el = await make('background="transparent"');
    await el.start();
    const canvas = await keyedCanvas(el);
    const { video } = parts(el);
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await new Promise((r) => setTimeout(r, 10));
    expect(parts(el).canvas).to.equal(canvas);
    expect(glContexts.filter((gl) => !gl.isContextLost()).length).to.equal(1);

    el.remove();
    await waitFor(() => el.state === 'ended', 5000, 'session ended by removal');
    await new Promise((r) => setTimeout(r, 10));
    expect(glContexts.every((gl) => gl.isContextLost())).to.equal(true);
    expect(pendingFrames.get(video)?.size ?? 0).to.equal(0);
    expect(canvas.isConnected).to.equal(false);
  });

  it('removing background while live puts the plain video back and frees the context', async () => {
    const el = await make('background="transparent"');
    await el.start();
    await keyedCanvas(el);
    el.removeAttribute('background');
    await el.updateComplete;
    expect(parts(el).canvas).to.equal(null);
    expect(parts(el).video.classList.contains('keyed')).to.equal(false);
    expect(glContexts.every((gl) => gl.isContextLost())).to.equal(true);
    expect(el.state).to.equal('connected');
  });
  it('a lost GL context (the browser dropped it) puts the plain video back, sets background-fallback, leaks nothing', async () => {
    const el = await make('background="transparent"');
    const log = recordEvents(el, ['avatar-error']);
    const before = glContexts.length;
    await el.start();
    const canvas = await keyedCanvas(el);
    const { video } = parts(el);
    expect(getComputedStyle(video).opacity).to.equal('0');
    // What the browser does to the oldest context once a page holds too many.
    const gl = (canvas.getContext('webgl2') ?? canvas.getContext('webgl'))!;
    gl.getExtension('WEBGL_lose_context')!.loseContext();
    await waitFor(() => el.hasAttribute('background-fallback'), 5000, 'background-fallback after the context loss');
    expect(parts(el).canvas).to.equal(null);
    expect(canvas.isConnected).to.equal(false);
    expect(video.classList.contains('keyed')).to.equal(false);
    await waitFor(() => getComputedStyle(video).opacity === '1', 2000, 'the plain video on screen again');
    expect(pendingFrames.get(video)?.size ?? 0, 'frame callbacks left').to.equal(0);
    expect(glContexts.length, 'no new context').to.equal(before + 1);
    expect(glContexts.every((context) => context.isContextLost())).to.equal(true);
    expect(el.state).to.equal('connected');
    expect(log.events).to.deep.equal([]);
    // Later updates do not key again into a context the browser may drop again: the plain video stays.
    el.setAttribute('key-tolerance', '0.4');
    await el.updateComplete;
    expect(parts(el).canvas).to.equal(null);
    expect(glContexts.length).to.equal(before + 1);
  });

  it('a failed chunk load sets background-fallback, and the next change retries it; once in, the flag goes', async () => {
    const loader = flakyLoader(1);
    const host = await hostWithLoader(loader.load);
    await waitFor(() => host.hasAttribute('background-fallback'), 5000, 'background-fallback after the failed import');
    expect(loader.calls).to.equal(1);
    host.setAttribute('background', 'rgb(4, 5, 6)');
    await host.updateComplete;
    await waitFor(() => getComputedStyle(host.layer).backgroundColor === 'rgb(4, 5, 6)', 5000, 'the colour, painted by the retried chunk');
    expect(loader.calls).to.equal(2);
    expect(host.hasAttribute('background-fallback')).to.equal(false);
  });

  it('after a failed chunk load, removing background clears background-fallback (and fetches nothing)', async () => {
    const loader = flakyLoader(1);
    const host = await hostWithLoader(loader.load);
    await waitFor(() => host.hasAttribute('background-fallback'), 5000, 'background-fallback after the failed import');
    host.removeAttribute('background');
    await host.updateComplete;
    expect(host.hasAttribute('background-fallback')).to.equal(false);
    expect(loader.calls).to.equal(1);
    expect(getComputedStyle(host.layer).backgroundColor).to.equal('rgba(0, 0, 0, 0)');
  });

  it('without constructable stylesheets the styles go into a <style> in the shadow root, gone on dispose', async () => {
    const host = await fixture<BackgroundTestHost>(html`<background-test-host background="rgb(1, 2, 3)"></background-test-host>`);
    const root = host.shadowRoot!;
    const adoptedBefore = root.adoptedStyleSheets.length;
    const stylesBefore = root.querySelectorAll('style').length;
    expect(getComputedStyle(host.layer).position, 'the layer before the view').to.equal('static');
    const view = new BackgroundView(host, host.video, host.layer, { adoptStyleSheets: false });
    view.sync();
    const added = [...root.querySelectorAll('style')].slice(stylesBefore);
    expect(added.map((style) => style.textContent)).to.deep.equal([backgroundStyles.cssText]);
    expect(root.adoptedStyleSheets.length).to.equal(adoptedBefore);
    expect(getComputedStyle(host.layer).position).to.equal('absolute');
    expect(getComputedStyle(host.layer).backgroundColor).to.equal('rgb(1, 2, 3)');
    view.dispose();
    expect(root.querySelectorAll('style').length).to.equal(stylesBefore);
    expect(getComputedStyle(host.layer).position).to.equal('static');
  });

  it('with constructable stylesheets the styles are adopted once, and dropped on dispose', async () => {
    const host = await fixture<BackgroundTestHost>(html`<background-test-host background="rgb(1, 2, 3)"></background-test-host>`);
    const root = host.shadowRoot!;
    const stylesBefore = root.querySelectorAll('style').length;
    const view = new BackgroundView(host, host.video, host.layer);
    view.sync();
    expect(root.adoptedStyleSheets.filter((sheet) => sheet === backgroundStyles.styleSheet).length).to.equal(1);
    expect(root.querySelectorAll('style').length).to.equal(stylesBefore);
    expect(getComputedStyle(host.layer).position).to.equal('absolute');
    view.dispose();
    expect(root.adoptedStyleSheets.includes(backgroundStyles.styleSheet!)).to.equal(false);
    expect(getComputedStyle(host.layer).position).to.equal('static');
  });
});
