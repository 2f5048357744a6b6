import { credentials, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadCsi } from '@corral/csi-ceph';

/**
 * A gRPC client on a CSI driver's unix socket, as the kubernetes-csi sidecars and kubelet talk to it:
 * one unary call at a time, answers as plain objects (field names as the CSI spec spells them).
 */
export interface CsiClient {
  call(service: CsiService, rpc: string, request: object): Promise<Record<string, unknown>>;
  close(): void;
}

export type CsiService = 'Identity' | 'Controller' | 'Node';

/** A failed call: the gRPC status code name and the driver's message. */
export class CsiCallError extends Error {
  constructor(
    readonly rpc: string,
    readonly code: string,
    readonly details: string,
  ) {
    super(`${rpc}: ${code}: ${details}`);
  }
}

type Unary = (
  request: object,
  options: { deadline: Date },
  callback: (err: ServiceError | null, value?: unknown) => void,
) => unknown;

export function csiClient(socket: string, deadlineMs = 120_000): CsiClient {
  const csi = loadCsi().csi.v1;
  const address = `unix://${socket}`;
  const clients: Record<CsiService, Client> = {
    Identity: new csi.Identity(address, credentials.createInsecure()),
    Controller: new csi.Controller(address, credentials.createInsecure()),
    Node: new csi.Node(address, credentials.createInsecure()),
  };
  return {
    call(service, rpc, request) {
      const client = clients[service];
      const method = (client as unknown as Record<string, Unary | undefined>)[rpc];
      if (!method) return Promise.reject(new Error(`no RPC ${service}.${rpc}`));
      return new Promise((resolve, reject) => {
        method.call(client, request, { deadline: new Date(Date.now() + deadlineMs) }, (err, value) => {
          if (err) {
            reject(new CsiCallError(rpc, status[err.code] ?? String(err.code), err.details));
            return;
          }
          resolve((value ?? {}) as Record<string, unknown>);
        });
      });
    },
    close() {
      for (const client of Object.values(clients)) client.close();
    },
  };
}
