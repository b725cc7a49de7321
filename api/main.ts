import { budgetWarning, ConfigError, downloadHostsFromEnv, redisUrlFromEnv, serverOptionsFromEnv, shutdownTimeoutMsFromEnv } from './config.js';
import { safeError } from './plugins/access-log.js';
import { providerFromEnv, ProviderConfigError } from './providers/index.js';
import { redisDependencies } from './redis/index.js';
import { shutDown } from './shutdown.js';
import { createServer } from './server.js';

/** `npm start`: read and validate the environment, then build and start the server. */
async function main(): Promise<void> {
  let options;
  let redisUrl;
  let shutdownTimeoutMs: number;
  try {
    options = { ...serverOptionsFromEnv(process.env), provider: providerFromEnv(process.env, { downloadHosts: downloadHostsFromEnv(process.env) }) };
    redisUrl = redisUrlFromEnv(process.env);
    shutdownTimeoutMs = shutdownTimeoutMsFromEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof ProviderConfigError) {
      console.error(`[imageka] ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  // Shared by every instance; without it this process keeps sessions and limits in memory.
  const redis = redisUrl ? redisDependencies(redisUrl, { generateWindowMs: options.generateWindowMs, log: console.log }) : undefined;
  const server = await createServer({ ...options, ...redis?.serverOptions });
  await server.start();
  const warning = budgetWarning(options);
  if (warning) console.warn(warning);
  const preview = options.provider.preview ? ' (offline preview provider: pictures are not AI)' : '';
  console.log(`[imageka] listening on ${server.info.uri} with provider "${options.provider.name}"${preview}`);
  const metricsUrl = server.plugins['imageka-metrics'].url();
  if (metricsUrl) console.log(`[imageka] metrics on ${metricsUrl}`);

  const stop = async () => {
    await shutDown(server, { timeoutMs: shutdownTimeoutMs, redis });
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// Node would print the error's message, which may quote a prompt; keep only its shape.
process.on('uncaughtException', (error) => {
  console.error(`[imageka] fatal error ${JSON.stringify(safeError(error))}`);
  process.exit(1);
});

await main();
