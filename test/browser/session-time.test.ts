import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../src/define.js';
import type { StreamingAvatarElement } from '../../src/element/streaming-avatar-element.js';
import type { ProviderContext } from '../../src/providers/provider.js';
import { registerProvider } from '../../src/providers/registry.js';
import { KeepAlive, MIN_KEEP_ALIVE_MS } from '../../src/session/keep-alive.js';
import { recordEvents, waitFor } from '../helpers/events.js';
import { stubTokenEndpoint } from '../helpers/token-endpoint.js';

describe('KeepAlive', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers();
  });
  afterEach(() => clock.restore());

  it('pings at half the idle timeout while the page is visible and the visitor active', async () => {
    let visible = true;
    let idle = 0;
    const ping = sinon.stub().resolves();
    const keepAlive = new KeepAlive({ idleTimeoutSeconds: 120, idleFor: () => idle, isVisible: () => visible, ping, onError: () => undefined });
    expect(keepAlive.intervalMs).to.equal(60_000);
    await clock.tickAsync(59_999);
    expect(ping.callCount).to.equal(0);
    await clock.tickAsync(1);
    expect(ping.callCount).to.equal(1);
    visible = false;
    await clock.tickAsync(60_000);
    expect(ping.callCount).to.equal(1);
    visible = true;
    idle = 121_000; // the visitor left: let the vendor's idle timer run out
    await clock.tickAsync(60_000);
    expect(ping.callCount).to.equal(1);
    idle = 1_000;
    await clock.tickAsync(60_000);
    expect(ping.callCount).to.equal(2);
    keepAlive.stop();
    await clock.tickAsync(600_000);
    expect(ping.callCount).to.equal(2);
  });

  it('never pings faster than the minimum, and reports failures without stopping', async () => {
    const errors: unknown[] = [];
    const ping = sinon.stub().rejects(new Error('400006'));
    const keepAlive = new KeepAlive({ idleTimeoutSeconds: 10, idleFor: () => 0, isVisible: () => true, ping, onError: (e) => errors.push(e) });
    expect(keepAlive.intervalMs).to.equal(MIN_KEEP_ALIVE_MS);
    await clock.tickAsync(MIN_KEEP_ALIVE_MS * 2);
    expect(ping.callCount).to.equal(2);
    expect(errors).to.have.length(2);
    keepAlive.stop();
  });
});

describe('session time in the element', () => {
  let el: StreamingAvatarElement | undefined;
  const cleanups: (() => void)[] = [];
  afterEach(async () => {
    await el?.stop();
    cleanups.splice(0).forEach((c) => c());
  });

  async function keepAliveProvider(name: string, pings: number[]) {
    const local = await import('../../src/providers/local.js');
    cleanups.push(
      registerProvider(name, {
        needsServer: true,
        expectedTransport: () => 'local',
        load: async () => ({
          createProvider: (context: ProviderContext) => ({
            ...local.createProvider(context),
            keepAlive: async () => {
              pings.push(Date.now());
            },
          }),
        }),
      }),
    );
  }

  it('sends idle-timeout in the session request and schedules keep-alive from the vendor timeout', async () => {
    const pings: number[] = [];
    await keepAliveProvider('keepy', pings);
    const endpoint = stubTokenEndpoint('/api/avatar');
    cleanups.push(() => endpoint.restore());
    endpoint.reply({ json: { provider: 'keepy', sessionId: 'k', transport: { kind: 'local' }, options: { idleTimeout: 60 } } });
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar provider="keepy" token-url="/api/avatar" idle-timeout="60"></streaming-avatar>`);
    const clock = sinon.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    cleanups.push(() => clock.restore());
    await el.start();
    expect((endpoint.requests[0].body as { idleTimeout: number }).idleTimeout).to.equal(60);
    document.dispatchEvent(new PointerEvent('pointermove'));
    await clock.tickAsync(30_000);
    expect(pings).to.have.length(1);
    document.dispatchEvent(new PointerEvent('pointermove'));
    await clock.tickAsync(30_000);
    expect(pings).to.have.length(2);
    await el.stop();
    await clock.tickAsync(120_000);
    expect(pings).to.have.length(2);
  });

  it('warns with avatar-session-expiring before expiresAt, then ends with reason timeout', async () => {
    const clock = sinon.useFakeTimers({ shouldAdvanceTime: true, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    cleanups.push(() => clock.restore());
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    cleanups.push(registerProvider('local-with-server', { needsServer: true, expectedTransport: () => 'local', load: () => import('../../src/providers/local.js') }));
    el.provider = 'local-with-server';
    el.fetchSession = async () => ({
      provider: 'local-with-server',
      sessionId: 'short',
      transport: { kind: 'local' },
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    });
    await el.updateComplete;
    const log = recordEvents(el, ['avatar-session-expiring', 'avatar-ended']);
    await el.start();
    const remaining = el.sessionRemaining!;
    expect(remaining).to.be.within(55, 60);
    // The warning comes 10 % of the session before the end (6 s here; at most 30 s, at least 5 s).
    await clock.tickAsync(remaining * 1000 - 6_500);
    expect(log.of('avatar-session-expiring')).to.have.length(0);
    await clock.tickAsync(1_000);
    expect(log.of('avatar-session-expiring')).to.have.length(1);
    expect(log.of('avatar-session-expiring')[0].remaining).to.be.within(5, 7);
    expect(el.state).to.equal('connected');
    await clock.tickAsync(9_000);
    await waitFor(() => el!.state === 'ended', 2000, 'ended');
    expect(log.of('avatar-ended')[0].reason).to.equal('timeout');
  });

  it('idle-timeout outside 30–3600 is an invalid attribute', async () => {
    el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    const log = recordEvents(el, ['avatar-error']);
    el.setAttribute('idle-timeout', '10');
    await el.updateComplete;
    expect(log.of('avatar-error')[0]).to.include({ code: 'invalid-attribute', attribute: 'idle-timeout' });
  });
});

describe('loading', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((c) => c()));

  async function countingTransport() {
    const { registerTransport } = await import('../../src/transports/registry.js');
    const real = await import('../../src/transports/local/local-transport.js');
    const loads: number[] = [];
    cleanups.push(
      registerTransport('local', async () => {
        loads.push(performance.now());
        return real;
      }),
    );
    return loads;
  }

  it('eager (default) loads the transport code as soon as the element is on the page', async () => {
    const loads = await countingTransport();
    await fixture(html`<streaming-avatar></streaming-avatar>`);
    await waitFor(() => loads.length === 1, 2000, 'preload');
  });

  it('lazy waits until the element is near the viewport, and so does autostart', async () => {
    const loads = await countingTransport();
    const host = await fixture<HTMLDivElement>(html`<div>
      <div style="height: 5000px"></div>
      <streaming-avatar loading="lazy" autostart="muted"></streaming-avatar>
    </div>`);
    const el = host.querySelector('streaming-avatar')!;
    await new Promise((r) => setTimeout(r, 300));
    expect(loads).to.have.length(0);
    expect(el.state).to.equal('idle');
    el.scrollIntoView();
    await waitFor(() => loads.length === 1, 3000, 'load near viewport');
    await waitFor(() => el.state === 'connected', 10000, 'autostarted');
    await el.stop();
    window.scrollTo(0, 0);
  });

  it('loading="soon" is an invalid attribute', async () => {
    const el = await fixture<StreamingAvatarElement>(html`<streaming-avatar></streaming-avatar>`);
    const log = recordEvents(el, ['avatar-error']);
    el.setAttribute('loading', 'soon');
    await el.updateComplete;
    expect(log.of('avatar-error')[0]).to.include({ code: 'invalid-attribute', attribute: 'loading' });
  });
});
