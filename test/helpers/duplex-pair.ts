/**
 * Two connected in-memory Duplex streams and a loopback TCP pair, for running the same Conn
 * suite over both transports.
 */
import { Duplex } from "node:stream";
import net from "node:net";

/** Returns two Duplex streams; what one writes, the other reads (async, like a socket). */
export function duplexPair(): [Duplex, Duplex] {
  let a!: Duplex;
  let b!: Duplex;
  const make = (peer: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        const p = peer();
        // Deliver on a later turn, like a socket would, and copy: the writer may reuse its bytes.
        const copy = Buffer.from(chunk);
        setImmediate(() => {
          if (!p.destroyed) p.push(copy);
          cb();
        });
      },
      final(cb) {
        const p = peer();
        setImmediate(() => {
          if (!p.destroyed) p.push(null);
          cb();
        });
      },
      destroy(err, cb) {
        const p = peer();
        setImmediate(() => {
          if (!p.destroyed) p.destroy();
        });
        cb(err);
      },
      allowHalfOpen: false,
    });
  a = make(() => b);
  b = make(() => a);
  return [a, b];
}

/** Returns a connected loopback TCP pair [client side, server side]. */
export async function tcpPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const client = net.connect(port, "127.0.0.1");
  await new Promise<void>((r, j) => client.once("connect", r).once("error", j));
  const srv = await accepted;
  server.close();
  return [client, srv];
}
