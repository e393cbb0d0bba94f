/** The local preview avatar: a face drawn on a canvas, whose mouth opens with the voice's level. */

export interface FaceState {
  /** Seconds since the avatar started. */
  time: number;
  /** 0 (closed) to 1 (wide open). */
  mouth: number;
  speaking: boolean;
  listening: boolean;
}

export const FACE_WIDTH = 640;
export const FACE_HEIGHT = 360;

export function drawFace(ctx: CanvasRenderingContext2D, state: FaceState): void {
  const w = FACE_WIDTH;
  const h = FACE_HEIGHT;
  const { time, mouth } = state;

  const background = ctx.createLinearGradient(0, 0, 0, h);
  background.addColorStop(0, '#1d2b53');
  background.addColorStop(1, '#0b1020');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, w, h);

  // A slow sway so the picture is visibly live even while silent.
  const cx = w / 2 + Math.sin(time * 0.8) * 6;
  const cy = h / 2 + 10 + Math.sin(time * 1.3) * 3;

  // Shoulders and neck.
  ctx.fillStyle = '#3a5a99';
  ctx.beginPath();
  ctx.ellipse(cx, h + 40, 170, 120, 0, Math.PI, 0);
  ctx.fill();
  ctx.fillStyle = '#d9a47e';
  ctx.fillRect(cx - 28, cy + 70, 56, 50);

  // Head and hair.
  ctx.fillStyle = '#f0c29c';
  ctx.beginPath();
  ctx.ellipse(cx, cy, 92, 112, 0, 0, Math.PI * 2);
  ctx.fill();
  ctx.fillStyle = '#3b2417';
  ctx.beginPath();
  ctx.ellipse(cx, cy - 62, 98, 60, 0, Math.PI, 0);
  ctx.fill();

  // Eyes blink for 150 ms every 4 s.
  const blink = time % 4 < 0.15;
  const eyeY = cy - 18;
  ctx.fillStyle = '#1b1b1b';
  for (const dx of [-34, 34]) {
    ctx.beginPath();
    if (blink) ctx.fillRect(cx + dx - 12, eyeY - 1, 24, 3);
    else ctx.ellipse(cx + dx + Math.sin(time * 0.5) * 2, eyeY, 9, 11, 0, 0, Math.PI * 2);
    ctx.fill();
  }

  // Eyebrows lift a little while talking.
  const brow = state.speaking ? 6 + mouth * 4 : 0;
  ctx.strokeStyle = '#3b2417';
  ctx.lineWidth = 5;
  ctx.lineCap = 'round';
  for (const dx of [-34, 34]) {
    ctx.beginPath();
    ctx.moveTo(cx + dx - 16, eyeY - 22 - brow);
    ctx.lineTo(cx + dx + 16, eyeY - 24 - brow);
    ctx.stroke();
  }

  // Mouth: a closed smile at rest, an open oval that follows the voice level while speaking.
  const mouthY = cy + 48;
  if (mouth > 0.03) {
    ctx.fillStyle = '#5a1a1a';
    ctx.beginPath();
    ctx.ellipse(cx, mouthY, 26 + mouth * 6, 3 + mouth * 24, 0, 0, Math.PI * 2);
    ctx.fill();
    ctx.fillStyle = '#f7f3ea';
    ctx.fillRect(cx - 18, mouthY - 3 - mouth * 22, 36, 5);
  } else {
    ctx.strokeStyle = '#7a2e2e';
    ctx.lineWidth = 4;
    ctx.beginPath();
    ctx.arc(cx, mouthY - 12, 24, Math.PI * 0.2, Math.PI * 0.8);
    ctx.stroke();
  }

  // Label: this is not a vendor's avatar.
  ctx.fillStyle = 'rgba(255,255,255,0.85)';
  ctx.font = '600 16px system-ui, sans-serif';
  ctx.fillText('LOCAL PREVIEW', 16, h - 18);
  if (state.listening) {
    ctx.fillStyle = '#7ee787';
    ctx.beginPath();
    ctx.arc(w - 28, 28, 8 + Math.sin(time * 6) * 2, 0, Math.PI * 2);
    ctx.fill();
  }
}
