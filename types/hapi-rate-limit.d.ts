declare module 'hapi-rate-limit' {
  import type { Plugin } from '@hapi/hapi';
  const plugin: Plugin<Record<string, unknown>>;
  export default plugin;
}
