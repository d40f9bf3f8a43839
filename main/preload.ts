// The only bridge between the window and the rest of the app: the console API's address and this run's token.
// No Node, no IPC, nothing else is exposed (contextIsolation on, nodeIntegration off, sandboxed).
import { contextBridge } from 'electron';

function argument(name: string): string {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? '';
}

contextBridge.exposeInMainWorld(
  'gochat',
  Object.freeze({ apiUrl: argument('gochat-api'), token: argument('gochat-token') }),
);
