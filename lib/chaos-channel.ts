// The supervisor's control channel into a service process: Node's IPC channel, present only when the supervisor
// spawned the process with one (stdio "ipc"). It carries the chaos settings that must act inside the process,
// today the consumer latency; kill and pause need no channel, they are signals.
import type { Logger } from './log';
import { consumingGroups, injectedLatencyMs, setInjectedLatency } from './kafka/injected-latency';

export interface ConsumerLatencyRequest {
  type: 'chaos.consumer-latency';
  /** Matches the reply to its request. */
  id: number;
  ms: number;
}

export type ConsumerLatencyReply =
  | { type: 'chaos.consumer-latency'; id: number; ok: true; ms: number; groups: string[] }
  | { type: 'chaos.consumer-latency'; id: number; ok: false; error: string };

function isLatencyRequest(message: unknown): message is ConsumerLatencyRequest {
  const m = message as Partial<ConsumerLatencyRequest> | null;
  return typeof m === 'object' && m !== null && m.type === 'chaos.consumer-latency' && typeof m.id === 'number';
}

/** Answers the supervisor's chaos requests; does nothing in a process started without an IPC channel. */
export function listenForChaos(logger: Logger): void {
  if (!process.send) return;
  process.on('message', (message: unknown) => {
    if (!isLatencyRequest(message)) return;
    let reply: ConsumerLatencyReply;
    try {
      setInjectedLatency(message.ms);
      const groups = consumingGroups();
      reply = { type: message.type, id: message.id, ok: true, ms: injectedLatencyMs(), groups };
      logger.warn(
        { latencyMs: message.ms, groups },
        message.ms > 0 ? 'chaos: consumer latency set' : 'chaos: consumer latency cleared',
      );
    } catch (err) {
      reply = { type: message.type, id: message.id, ok: false, error: (err as Error).message };
    }
    process.send?.(reply);
  });
  // The channel must not keep a process alive that has nothing else to do (a listener refs it; this undoes that).
  process.channel?.unref();
}
