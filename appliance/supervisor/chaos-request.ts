// The supervisor's side of a service's chaos channel (lib/chaos-channel.ts): one request over the child's IPC
// channel, answered by id, or an error naming why it was not.
import type { ChildProcess } from 'node:child_process';
import type { ConsumerLatencyReply, ConsumerLatencyRequest } from '../../lib/chaos-channel';

/** A chaos setting the process refused or did not answer (not running, paused, no consumer, bad value). */
export class ChaosChannelError extends Error {
  override name = 'ChaosChannelError';
}

const REPLY_TIMEOUT_MS = 5000;

export function askChild(
  child: ChildProcess,
  name: string,
  request: ConsumerLatencyRequest,
): Promise<ConsumerLatencyReply> {
  if (!child.connected) return Promise.reject(new ChaosChannelError(`${name} was started without a control channel`));
  return new Promise<ConsumerLatencyReply>((resolve, reject) => {
    const done = (error?: Error, answer?: ConsumerLatencyReply): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(answer!);
    };
    const onMessage = (message: unknown): void => {
      const m = message as Partial<ConsumerLatencyReply> | null;
      if (m?.type === request.type && m.id === request.id) done(undefined, m as ConsumerLatencyReply);
    };
    const onExit = (): void => done(new ChaosChannelError(`${name} exited before it answered`));
    const timer = setTimeout(
      () => done(new ChaosChannelError(`${name} did not answer within ${REPLY_TIMEOUT_MS} ms`)),
      REPLY_TIMEOUT_MS,
    );
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(request, (err) => err && done(new ChaosChannelError(`${name}: ${err.message}`)));
  });
}
