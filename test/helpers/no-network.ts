/**
 * Setup file of the `unit` project: a unit test opens no socket, so listening or connecting fails
 * at once with the fix, instead of the file quietly becoming slow or order-dependent.
 */
import net from 'node:net';

function refuse(what: string): never {
  throw new Error(`unit tests use no network (${what}): move this file to the "integration" project in vitest.config.ts`);
}

net.Server.prototype.listen = function listen() {
  refuse('listen');
};
net.Socket.prototype.connect = function connect() {
  refuse('connect');
};
