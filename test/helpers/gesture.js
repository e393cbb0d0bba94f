// A real user gesture (a trusted click through the browser's input pipeline), which is what lifts the
// autoplay policy. Plain JavaScript so the type check does not pull in the test runner's Node typings.
import { sendMouse, resetMouse } from '@web/test-runner-commands';

/** Clicks the middle of `element`. */
export async function clickLikeAUser(element) {
  const box = element.getBoundingClientRect();
  await sendMouse({ type: 'click', position: [Math.round(box.left + box.width / 2), Math.round(box.top + box.height / 2)] });
  await resetMouse();
}
