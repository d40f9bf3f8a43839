// The lifecycle every main.ts shares: logger from the environment, start, one "ready" line, one graceful shutdown
// on SIGTERM/SIGINT, and loud failures (exit non-zero) instead of silent ones.
import { listenForChaos } from './chaos-channel';
import { ConfigError, EnvReader, LOG_LEVELS } from './config';
import { createLogger, type Logger } from './log';
import { startTelemetry } from './telemetry';

export interface StartedService {
  /** Fields of the "ready" line, e.g. { grpcAddress: "127.0.0.1:50051", httpAddress: ... }. */
  ready: Record<string, unknown>;
  /** Stops accepting work, drains, commits, closes. Called at most once. */
  shutdown(): Promise<void>;
}

export interface RunServiceOptions {
  /** "im-repo", "im-logic", ... */
  service: string;
  start(context: { env: EnvReader; logger: Logger; instanceId: string }): Promise<StartedService>;
  /** Longest a graceful shutdown may take before the process exits anyway (default 15 s). */
  shutdownTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** Runs a service process to completion; never returns normally (exits 0 after a clean shutdown). */
export async function runService(options: RunServiceOptions): Promise<void> {
  const env = new EnvReader(options.env ?? process.env);
  let logger: Logger;
  let instanceId: string;
  let stopTelemetry: () => Promise<void> = () => Promise.resolve();
  try {
    instanceId = env.string('GOCHAT_INSTANCE_ID', { default: options.service });
    logger = createLogger({
      service: options.service,
      instance: instanceId,
      level: env.oneOf('GOCHAT_LOG_LEVEL', LOG_LEVELS, 'info'),
    });
    stopTelemetry = startTelemetry({
      service: options.service,
      instance: instanceId,
      url: env.optionalString('GOCHAT_OTLP_URL'),
      externalEndpoint: env.optionalString('OTEL_EXPORTER_OTLP_ENDPOINT'),
    });
  } catch (err) {
    process.stderr.write(`${options.service}: bad configuration: ${(err as Error).message}\n`);
    process.exit(2);
  }

  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection');
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err }, 'uncaught exception; exiting');
    process.exit(1);
  });

  let started: StartedService | undefined;
  let stopRequested = false;
  const shutdown = (): void => {
    const timeoutMs = options.shutdownTimeoutMs ?? 15000;
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown took too long; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    void (async () => {
      try {
        await started?.shutdown();
        await stopTelemetry(); // the last spans (the drain's commits) are sent before exit
        logger.info('stopped');
        process.exit(0);
      } catch (err) {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      }
    })();
  };
  const onSignal = (signal: string): void => {
    if (stopRequested) {
      logger.warn({ signal }, 'second signal during shutdown; exiting now');
      process.exit(1);
    }
    stopRequested = true;
    logger.info({ signal }, 'shutting down');
    // A signal during start is honoured once start has finished, so whatever it opened is closed properly.
    if (started) shutdown();
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));

  try {
    started = await options.start({ env, logger, instanceId });
  } catch (err) {
    if (err instanceof ConfigError) {
      logger.fatal({ variable: err.variable, problem: err.problem }, `bad configuration: ${err.message}`);
      process.exit(2);
    }
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  }
  if (stopRequested) {
    shutdown();
    return;
  }
  listenForChaos(logger);
  logger.info(started.ready, 'ready');
}
