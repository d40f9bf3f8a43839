// A TCP proxy in front of the broker that forwards everything but, for chosen Produce requests, cuts the
// connection instead of relaying the response: the client saw no acknowledgement and must retry.
import { connect, createServer, type Server, type Socket } from 'node:net';

export class DroppingProxy {
  upstreamPort = 0;
  produceRequests = 0;
  droppedResponses = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly dropProduceNumbers: Set<number>,
  ) {}

  static async start(dropProduceNumbers: number[]): Promise<DroppingProxy> {
    let proxy: DroppingProxy | null = null;
    const server = createServer((client) => proxy?.onClient(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    proxy = new DroppingProxy(server, port, new Set(dropProduceNumbers));
    return proxy;
  }

  private onClient(client: Socket): void {
    const upstream = connect(this.upstreamPort, '127.0.0.1');
    this.sockets.add(client).add(upstream);
    const pending: boolean[] = []; // per request in order: drop its response?
    const kill = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', kill);
    upstream.on('error', kill);
    client.on('close', kill);
    upstream.on('close', kill);
    splitFrames(client, (frame) => {
      let drop = false;
      if (frame.readInt16BE(4) === 0) {
        this.produceRequests++;
        drop = this.dropProduceNumbers.has(this.produceRequests);
      }
      pending.push(drop);
      upstream.write(frame);
    });
    splitFrames(upstream, (frame) => {
      if (pending.shift()) {
        this.droppedResponses++;
        kill();
        return;
      }
      client.write(frame);
    });
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function splitFrames(socket: Socket, onFrame: (frame: Buffer) => void): void {
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      const size = 4 + buf.readInt32BE(0);
      onFrame(buf.subarray(0, size));
      buf = buf.subarray(size);
    }
  });
}
