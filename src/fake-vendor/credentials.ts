/**
 * The RTC credentials the fake vendor hands out. The dev page recognises these shapes and plays the
 * session through the local transport, since no SFU runs here.
 */
export const FAKE_AGORA_APP_ID = 'fake-agora-app';
export const FAKE_AGORA_UID = 100000;
export const FAKE_TRTC_APP_ID = 1400000001;
export const FAKE_AKOOL_AVATAR_IDENTITY = 'akool-avatar';

export function fakeLivekit(wsOrigin: string, vendor: string, sessionId: string) {
  return { url: `${wsOrigin}/fake-vendor/${vendor}/livekit`, token: `fake-livekit.${sessionId}` };
}

export function fakeAgora(sessionId: string) {
  return { appId: FAKE_AGORA_APP_ID, channel: sessionId, token: `fake-agora.${sessionId}`, uid: FAKE_AGORA_UID };
}

export function fakeTrtc(sessionId: string) {
  return { sdkAppId: FAKE_TRTC_APP_ID, roomId: sessionId, userId: `user-${sessionId}`, userSig: `fake-trtc.${sessionId}` };
}
