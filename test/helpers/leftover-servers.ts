/**
 * Servers a test file made in a hook (not in a test), to be stopped when that file ends by the
 * setup file stop-leftover-servers.ts. A setup file runs again before each file; a hook that a
 * helper registered at import would not, in the unit project, whose files share modules
 * (`isolate: false`).
 */
export const leftoverServers = new Set<{ stop(): Promise<void> }>();

export async function stopLeftoverServers(): Promise<void> {
  await Promise.all(
    [...leftoverServers].map(async (server) => {
      leftoverServers.delete(server);
      await server.stop();
    }),
  );
}
