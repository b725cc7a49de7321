import { describe, expect, it } from 'vitest';
import { ConfigError, redisUrlFromEnv, serverOptionsFromEnv } from '../../api/config.js';

const SECRET = 'a-shared-secret-of-at-least-32-characters';

describe('REDIS_URL', () => {
  it('is optional: without it (or empty) each instance keeps its state in memory', () => {
    expect(redisUrlFromEnv({})).toBeUndefined();
    expect(redisUrlFromEnv({ REDIS_URL: '' })).toBeUndefined();
  });

  it.each(['redis://127.0.0.1:6379', 'redis://:p%40ss@redis.internal:6380/2', 'rediss://user:pw@cache.example.com'])('accepts %s', (url) => {
    expect(redisUrlFromEnv({ REDIS_URL: url, SESSION_SECRET: SECRET })).toBe(url);
  });

  it.each(['http://redis.internal:6379', '127.0.0.1:6379', 'redis//host'])('refuses %s, naming the variable but never repeating the value', (url) => {
    const attempt = () => redisUrlFromEnv({ REDIS_URL: url, SESSION_SECRET: SECRET });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow('REDIS_URL must be a redis:// or rediss:// URL');
    expect(attempt).not.toThrow(url);
  });

  it('requires SESSION_SECRET, so that every instance can unseal the others’ cookies', () => {
    expect(() => serverOptionsFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379' })).toThrow(/SESSION_SECRET is required with REDIS_URL/);
    expect(serverOptionsFromEnv({ REDIS_URL: 'redis://127.0.0.1:6379', SESSION_SECRET: SECRET }).sessionSecret).toBe(SECRET);
    expect(serverOptionsFromEnv({}).sessionSecret).toBeUndefined();
  });
});
