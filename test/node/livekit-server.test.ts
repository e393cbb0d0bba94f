// The LiveKit test server's parts that need no browser: the validate routes and token refusals as a LiveKit
// server answers them, the Twirp RoomService through livekit-server-sdk, agent dispatch, a raw signal join
// and a server-initiated leave, text data streams, and the bots' picture read back.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DataStream_CompressionType, DisconnectReason, DataPacket, DataStream_Header, DataStream_TextHeader, SignalResponse } from '@livekit/protocol';
import { RoomServiceClient } from 'livekit-server-sdk';
import WebSocket from 'ws';
import { deflateRawSync } from 'node:zlib';
import { TextStreams, textStreamPackets } from '../livekit-server/data-packets.js';
import { PicturePainter } from '../livekit-server/picture.js';
import { MARKER_COLOURS, readCounter } from '../livekit-server/picture-layout.js';
import { type LiveKitTestServer, startLiveKitTestServer } from '../livekit-server/server.js';
import { wrtc } from '../livekit-server/wrtc.js';

let server: LiveKitTestServer;

before(async () => {
  server = await startLiveKitTestServer();
});

after(async () => {
  await server.stop();
});

async function validate(token: string | undefined, path = '/rtc/validate'): Promise<{ status: number; text: string; cors: string | null }> {
  const url = new URL(path, server.httpUrl);
  if (token) url.searchParams.set('access_token', token);
  const response = await fetch(url);
  return { status: response.status, text: await response.text(), cors: response.headers.get('access-control-allow-origin') };
}

test('validate answers as a LiveKit server: success, or 401 with the reason for a missing, forged or expired token', async () => {
  assert.deepEqual(await validate(await server.token('r1', 'alice')), { status: 200, text: 'success', cors: '*' });
  assert.deepEqual(await validate(undefined), { status: 401, text: 'permissions denied', cors: '*' });
  const forged = await validate(await server.token('r1', 'alice', { secret: 'another-secret-another-secret' }));
  assert.deepEqual(forged, { status: 401, text: 'invalid authorization token: token signature is invalid: signature is invalid', cors: '*' });
  const expired = await validate(await server.token('r1', 'alice', { ttl: '-5m' }));
  assert.deepEqual(expired, { status: 401, text: 'invalid authorization token: token has invalid claims: token is expired', cors: '*' });
  // Inside the real server's one-minute leeway, a just-expired token still joins.
  assert.equal((await validate(await server.token('r1', 'alice', { ttl: '-20s' }))).status, 200);
  assert.deepEqual((await validate(await server.token('r1', 'alice', { apiKey: 'APIunknown' }))).text, 'invalid API key');
  assert.deepEqual((await validate(await server.token('r1', 'alice', { grants: { roomJoin: false } }))).status, 401);
});

test('/rtc/v1/validate needs the join request, and answers 404 where v1 is off (the client then falls back to /rtc)', async () => {
  const token = await server.token('r-v1', 'bob');
  assert.deepEqual(await validate(token, '/rtc/v1/validate'), { status: 400, text: 'join_request is required', cors: '*' });
  server.room('r-old', { v1: false });
  const old = await validate(await server.token('r-old', 'bob'), '/rtc/v1/validate');
  assert.equal(old.status, 404);
  assert.doesNotMatch(old.text, /requested room does not exist/, 'a missing v1 path, not a missing room');
  assert.equal((await validate(await server.token('r-old', 'bob'), '/rtc/validate')).status, 200);
});

test('the Twirp RoomService works with livekit-server-sdk: create, list, participants, remove, delete', async () => {
  const rooms = new RoomServiceClient(server.httpUrl, server.apiKey, server.apiSecret);
  const created = await rooms.createRoom({ name: 'twirp-room', metadata: 'm1' });
  assert.equal(created.name, 'twirp-room');
  assert.equal(created.metadata, 'm1');
  assert.ok((await rooms.listRooms()).some((r) => r.name === 'twirp-room'));
  assert.deepEqual((await rooms.listRooms(['twirp-room'])).map((r) => r.sid), [created.sid]);

  const room = server.findRoom('twirp-room')!;
  room.addBot({ identity: 'agent-1', kind: 'AGENT', attributes: { 'lk.agent.state': 'listening' }, video: false });
  const [participant] = await rooms.listParticipants('twirp-room');
  assert.equal(participant!.identity, 'agent-1');
  assert.equal(participant!.attributes['lk.agent.state'], 'listening');
  assert.equal((await rooms.getParticipant('twirp-room', 'agent-1')).sid, participant!.sid);
  await rooms.updateParticipant('twirp-room', 'agent-1', { attributes: { mood: 'calm' } });
  assert.equal(room.participants()[0]!.attributes.mood, 'calm');

  await rooms.removeParticipant('twirp-room', 'agent-1');
  assert.deepEqual(await rooms.listParticipants('twirp-room'), []);
  assert.ok(room.events().some((e) => e.type === 'leave' && e.identity === 'agent-1'));

  await rooms.deleteRoom('twirp-room');
  assert.equal(room.deleted, true);
  assert.ok(!(await rooms.listRooms()).some((r) => r.name === 'twirp-room'));
  await assert.rejects(rooms.deleteRoom('twirp-room'), (error: { status?: number; code?: string }) => error.status === 404 && error.code === 'not_found');
  const stranger = new RoomServiceClient(server.httpUrl, server.apiKey, 'not-the-secret-not-the-secret');
  await assert.rejects(stranger.listRooms(), (error: { status?: number }) => error.status === 401);
});

/** Opens a raw `/rtc` signal connection and collects the server's messages. */
async function rawJoin(token: string) {
  const url = new URL('/rtc', server.url);
  url.searchParams.set('access_token', token);
  url.searchParams.set('protocol', '15');
  const ws = new WebSocket(url);
  const messages: SignalResponse[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data: Buffer) => {
    messages.push(SignalResponse.fromBinary(new Uint8Array(data)));
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const next = async (kind: string, timeoutMs = 5000): Promise<SignalResponse> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find((m) => m.message.case === kind);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${kind} message (got ${messages.map((m) => m.message.case).join(', ')})`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return { ws, messages, next };
}

test('a join whose token carries agent dispatches calls the registered handler once, when it creates the room', async () => {
  const calls: { room: string; agentName: string; metadata: string }[] = [];
  const off = server.onAgentDispatch('test-agent', (room, dispatch) => {
    calls.push({ room: room.name, agentName: dispatch.agentName, metadata: dispatch.metadata });
    room.addBot({ identity: 'agent-test', kind: 'AGENT', video: false, audio: false });
  });
  try {
    const token = await server.token('dispatch-room', 'caller', { agents: [{ agentName: 'test-agent', metadata: '{"voice":"x"}' }] });
    const first = await rawJoin(token);
    const join = (await first.next('join')).message;
    assert.equal(join.case, 'join');
    if (join.case !== 'join') return;
    assert.equal(join.value.participant?.identity, 'caller');
    assert.equal(join.value.serverInfo?.version, '1.9.0');
    assert.equal(join.value.pingInterval, 5);
    await server.findRoom('dispatch-room')!.until(() => calls.length === 1, 5000, 'the dispatch');
    assert.deepEqual(calls, [{ room: 'dispatch-room', agentName: 'test-agent', metadata: '{"voice":"x"}' }]);
    // The agent the handler added is announced to the client.
    const update = await first.next('update');
    assert.ok(update.message.case === 'update' && update.message.value.participants.some((p) => p.identity === 'agent-test'));
    // The room exists now: a second join dispatches nothing.
    const second = await rawJoin(await server.token('dispatch-room', 'caller-2', { agents: [{ agentName: 'test-agent' }] }));
    await second.next('join');
    assert.equal(calls.length, 1);
    assert.deepEqual(server.findRoom('dispatch-room')!.dispatches().map((d) => d.agentName), ['test-agent']);
    first.ws.close();
    second.ws.close();
  } finally {
    off();
    server.deleteRoom('dispatch-room');
  }
});

test('the server removing a client sends it a leave with the reason, and records it', async () => {
  const client = await rawJoin(await server.token('leave-room', 'carol'));
  await client.next('join');
  const closed = new Promise((resolve) => client.ws.once('close', resolve));
  assert.ok(server.findRoom('leave-room')!.removeParticipant('carol', 'PARTICIPANT_REMOVED'));
  const leave = (await client.next('leave')).message;
  assert.ok(leave.case === 'leave' && leave.value.reason === DisconnectReason.PARTICIPANT_REMOVED);
  await closed;
  const events = server.findRoom('leave-room')!.events();
  assert.deepEqual(events.filter((e) => e.type === 'leave').map((e) => [e.identity, e.reason]), [['carol', 'PARTICIPANT_REMOVED']]);
  server.deleteRoom('leave-room');
});

test('text streams: the classic chunked form round-trips, and inline deflate-raw streams are read', () => {
  const from = { sid: 'PA_x', identity: 'bot' };
  const long = 'Grüße, 🌍! '.repeat(3000);
  const packets = textStreamPackets(from, long, { topic: 'lk.chat', attributes: { a: '1' } });
  assert.ok(packets.length > 3, 'a long text takes several chunks');
  const streams = new TextStreams();
  const results = packets.map((p) => streams.push(DataPacket.fromBinary(p.toBinary()))).filter(Boolean);
  assert.equal(results.length, 1);
  assert.equal(results[0]!.text, long);
  assert.deepEqual([results[0]!.topic, results[0]!.attributes, results[0]!.from], ['lk.chat', { a: '1' }, 'bot']);

  const inline = new DataPacket({
    participantIdentity: 'client',
    value: {
      case: 'streamHeader',
      value: new DataStream_Header({
        streamId: 's1',
        topic: 't',
        compression: DataStream_CompressionType.DEFLATE_RAW,
        inlineContent: deflateRawSync(Buffer.from('hello hello hello hello')),
        contentHeader: { case: 'textHeader', value: new DataStream_TextHeader() },
      }),
    },
  });
  assert.equal(new TextStreams().push(inline)?.text, 'hello hello hello hello');
});

test('the picture: markers in their colours and the frame counter readable, after I420 → RGBA', () => {
  const painter = new PicturePainter({ label: 'HeyGen (local fake)' });
  const { width, height, layout } = painter;
  const rgba = new Uint8ClampedArray(width * height * 4);
  wrtc().nonstandard.i420ToRgba({ width, height, data: painter.frame(1234, 0.5) }, { width, height, data: rgba as unknown as Uint8Array });
  for (const m of layout.markers) {
    const i = ((m.y + m.size / 2) * width + m.x + m.size / 2) * 4;
    const seen = [rgba[i]!, rgba[i + 1]!, rgba[i + 2]!];
    assert.ok(MARKER_COLOURS[m.name].every((v, c) => Math.abs(v - seen[c]!) < 30), `${m.name}: rgb(${seen.join(', ')})`);
  }
  assert.equal(readCounter(layout, rgba), 1234);
  const chroma = new PicturePainter({ backdrop: 'chroma', face: false });
  const green = new Uint8ClampedArray(width * height * 4);
  wrtc().nonstandard.i420ToRgba({ width, height, data: chroma.frame(0, 0) }, { width, height, data: green as unknown as Uint8Array });
  const i = (Math.round(height / 2) * width + Math.round(width / 2)) * 4;
  assert.ok(green[i]! < 30 && green[i + 1]! > 225 && green[i + 2]! < 30, `backdrop rgb(${green.slice(i, i + 3).join(', ')})`);
});
