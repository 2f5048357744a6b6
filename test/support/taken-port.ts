// A port already in use, for the tests of a service that cannot listen: a plain TCP server holds
// it on 127.0.0.1 until released.
import { createServer, type AddressInfo } from 'node:net';

export interface TakenPort {
  readonly port: number;
  /** `127.0.0.1:<port>`, as --listen takes it. */
  readonly address: string;
  /** Closes the server holding the port. */
  release(): Promise<void>;
}

/** Listens on a free port of 127.0.0.1 and keeps it until `release()`. */
export async function takePort(): Promise<TakenPort> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    address: `127.0.0.1:${port}`,
    release: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
