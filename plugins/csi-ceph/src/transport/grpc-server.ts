/**
 * The gRPC server on a unix socket: Identity always, Controller and/or Node by role, every handler
 * wrapped in the call chain. Tests bind a temp socket and shut down.
 */
import { rm } from 'node:fs/promises';
import { Server, ServerCredentials, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { serveUnary, type ChainOptions, type Handler } from './call-chain.js';
import { loadCsi } from './load-csi.js';

export interface ServiceHandlers {
  readonly identity: Record<string, Handler<never, unknown>>;
  readonly controller?: Record<string, Handler<never, unknown>>;
  readonly node?: Record<string, Handler<never, unknown>>;
}

export interface CsiGrpcServer {
  readonly server: Server;
  readonly socketPath: string;
  /** Stops accepting calls, lets running calls finish (up to `graceMs`), then forces. */
  close(graceMs?: number): Promise<void>;
}

function implement(
  handlers: Record<string, Handler<never, unknown>>,
  options: ChainOptions,
): UntypedServiceImplementation {
  const impl: UntypedServiceImplementation = {};
  for (const [rpc, handler] of Object.entries(handlers))
    impl[rpc] = serveUnary(rpc, handler, options) as UntypedServiceImplementation[string];
  return impl;
}

export async function startGrpcServer(
  socketPath: string,
  handlers: ServiceHandlers,
  options: ChainOptions,
): Promise<CsiGrpcServer> {
  const csi = loadCsi().csi.v1;
  const server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  server.addService(csi.Identity.service, implement(handlers.identity, options));
  if (handlers.controller) server.addService(csi.Controller.service, implement(handlers.controller, options));
  if (handlers.node) server.addService(csi.Node.service, implement(handlers.node, options));
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(`unix://${socketPath}`, ServerCredentials.createInsecure(), (err) => {
      if (err) {
        reject(err);
        return;
      }
      resolve();
    });
  });
  return {
    server,
    socketPath,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          void rm(socketPath, { force: true }).finally(resolve);
        });
      }),
  };
}
