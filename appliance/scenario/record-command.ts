// `gochat scenario record --out file.yaml`: records a session of the console's simulated clients on the running
// appliance, as the console's Record does, until Enter or Ctrl-C, and writes the scenario file.
import { writeFileSync } from 'node:fs';
import { attachRunning } from './adapters/appliance-session';

interface Status {
  recording: boolean;
  startedAtMs: number | null;
  actions: number;
  frames: number;
  users: number;
}

const PROGRESS_EVERY_MS = 2000;

export async function recordScenario(options: { out: string; appliance?: string }): Promise<number> {
  const dataDir = options.appliance ?? './.gochat';
  const running = attachRunning(dataDir);
  if (!running) {
    process.stderr.write(`no appliance runs on ${dataDir}: start one with \`gochat up\`, then record\n`);
    return 1;
  }
  const api = running.ops;
  try {
    await api.recording('start');
  } catch (error) {
    process.stderr.write(`could not start recording: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(
    'recording: drive the simulated clients in the console (Clients view, chaos in the Overview); ' +
      'press Enter or Ctrl-C to stop\n',
  );
  const progress = setInterval(() => {
    api.recording<Status>('status').then(
      (s) =>
        process.stdout.write(
          `  ${Math.round((Date.now() - (s.startedAtMs ?? Date.now())) / 1000)} s: ${s.actions} actions, ` +
            `${s.frames} frames received, ${s.users} clients\n`,
        ),
      () => undefined,
    );
  }, PROGRESS_EVERY_MS);
  await new Promise<void>((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done);
      process.stdin.off('data', done);
      process.stdin.pause();
      resolve();
    };
    process.once('SIGINT', done);
    process.stdin.once('data', done);
  });
  clearInterval(progress);
  try {
    const { text } = await api.recording<{ file: string; text: string }>('stop');
    writeFileSync(options.out, text);
    process.stdout.write(`wrote ${options.out}; run it with \`gochat scenario run ${options.out}\`\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`could not stop the recording: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await running.close();
  }
}
