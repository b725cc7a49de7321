/** Setup file of every project: see leftover-servers.ts. */
import { afterAll } from 'vitest';
import { stopLeftoverServers } from './leftover-servers.js';

afterAll(stopLeftoverServers);
