// How the supervisor starts a Node program (a service, the orphan guard). Under Electron, process.execPath is the
// Electron binary: run as is, it would start another copy of the desktop app instead of the program, and ignore
// "--import tsx". ELECTRON_RUN_AS_NODE=1 makes it behave as the Node it embeds. GOCHAT_NODE_PATH names a Node
// binary to use instead (for example when a packaged app should run the services on the system's Node).
import { EnvReader } from '../../lib/config';

/** What nodeCommand reads about the running process; `process` itself in production, a description in tests. */
export interface HostProcess {
  execPath: string;
  versions: Readonly<Record<string, string | undefined>>;
  env: NodeJS.ProcessEnv;
}

export interface NodeCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The command, arguments and environment that run `args` (Node flags, then the entry) as a Node program. */
export function nodeCommand(args: string[], env: NodeJS.ProcessEnv, host: HostProcess = process): NodeCommand {
  const configured = new EnvReader(host.env).optionalString('GOCHAT_NODE_PATH');
  if (configured) {
    const { ELECTRON_RUN_AS_NODE: _unused, ...rest } = env;
    return { command: configured, args, env: rest };
  }
  if (host.versions.electron === undefined) return { command: host.execPath, args, env };
  return { command: host.execPath, args, env: { ...env, ELECTRON_RUN_AS_NODE: '1' } };
}
