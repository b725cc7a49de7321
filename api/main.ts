import { ConfigError, serverOptionsFromEnv } from './config.js';
import { providerFromEnv, ProviderConfigError } from './providers/index.js';
import { createServer } from './server.js';

/** `npm start`: read and validate the environment, then build and start the server. */
async function main(): Promise<void> {
  let options;
  try {
    options = { ...serverOptionsFromEnv(process.env), provider: providerFromEnv(process.env) };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ProviderConfigError) {
      console.error(`[imageka] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const server = await createServer(options);
  await server.start();
  const preview = options.provider.preview ? ' (offline preview provider: pictures are not AI)' : '';
  console.log(`[imageka] listening on ${server.info.uri} with provider "${options.provider.name}"${preview}`);

  const stop = async () => {
    await server.stop({ timeout: 30_000 });
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

await main();
