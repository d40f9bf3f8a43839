// One authenticated chat WebSocket of a load generator: opens, waits for `hello`, and hands every server frame
// to the session that owns it. Frames are parsed once here; nothing else of the protocol lives in this file.
import WebSocket from 'ws';

/** The fields of server frames the generator reads (docs/protocol.md). */
export interface ServerFrame {
  type: string;
  clientMsgId?: string;
  conversationId?: string;
  seq?: number;
  code?: string;
  message?: { conversationId?: string; seq?: number; clientMsgId?: string; senderId?: string };
  signalType?: string;
  payload?: { userId?: string; status?: string };
}

export class ChatConnection {
  private closedByUs = false;

  private constructor(
    readonly index: number,
    private readonly socket: WebSocket,
  ) {}

  /** Opens the socket and resolves once the server's `hello` has arrived. */
  static open(
    index: number,
    wsUrl: string,
    onFrame: (conn: number, frame: ServerFrame) => void,
    onClose: (conn: number) => void,
  ): Promise<ChatConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, { perMessageDeflate: false });
      const connection = new ChatConnection(index, socket);
      let hello = false;
      const timer = setTimeout(() => {
        socket.terminate();
        reject(new Error(`connection ${index}: no hello within 30 s from ${wsUrl.replace(/token=.*/, 'token=...')}`));
      }, 30_000);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as ServerFrame;
        if (!hello && frame.type === 'hello') {
          hello = true;
          clearTimeout(timer);
          resolve(connection);
          return;
        }
        onFrame(index, frame);
      });
      socket.on('error', (err) => {
        if (!hello) {
          clearTimeout(timer);
          reject(new Error(`connection ${index}: ${err.message}`));
        }
      });
      socket.on('close', () => {
        if (hello && !connection.closedByUs) onClose(index);
      });
    });
  }

  send(text: string): void {
    this.socket.send(text);
  }

  close(): void {
    this.closedByUs = true;
    this.socket.close();
  }
}
