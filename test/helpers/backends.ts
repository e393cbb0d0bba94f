// Browser side of test/backends/wtr-plugin.mjs: runs a command of a Node-side backend and returns its
// value, or throws its error.
import { executeServerCommand } from '@web/test-runner-commands';

export async function backendCommand<R>(backend: string, command: string, payload: object = {}): Promise<R> {
  const answer = await executeServerCommand<{ value?: R; error?: string } | undefined, object>(`${backend}:${command}`, payload);
  if (!answer) throw new Error(`No test backend "${backend}" is mounted (web-test-runner.config.mjs mounts them).`);
  if (answer.error !== undefined) throw new Error(`${backend}:${command}: ${answer.error}`);
  return answer.value as R;
}
