import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./server-child.js', import.meta.url));

/**
 * Starts server-child.js with a profile and resolves once it listens.
 * @param {'api' | 'site'} profile
 */
export async function startBenchServer(profile) {
  const child = fork(CHILD, [profile], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (message) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`bench server (${profile}) exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    /** @param {number} count */
    issueSessions(count) {
      return new Promise((resolve) => {
        child.once('message', (message) => resolve(message.sessions));
        child.send({ issue: count });
      });
    },
    stop() {
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.disconnect();
      });
    },
  };
}
