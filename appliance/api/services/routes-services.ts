// /api/services: status, stop/start/restart, chaos controls (kill, pause, resume, consumer latency) and logs of each
// process.
import { BadRequestError, NotFoundError } from '../http/errors';
import { CHAOS_ACTIONS, type ApplianceControl, type ChaosAction, type LogLevel, type LogLine } from '../ports';
import type { RecoveryTimeline } from './recovery-timeline';
import { intParam, objectBody, type Router } from '../http/router';
import type { ServiceAction } from '../../scenario/recording/session';

export const LOG_LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

export function filterLogs(lines: LogLine[], query: URLSearchParams): LogLine[] {
  const level = query.get('level');
  if (level !== null && level !== '' && !LOG_LEVELS.includes(level as LogLevel)) {
    throw new BadRequestError(`level must be one of ${LOG_LEVELS.join(', ')}, got "${level}"`);
  }
  const minimum = level ? LOG_LEVELS.indexOf(level as LogLevel) : 0;
  const search = (query.get('q') ?? '').toLowerCase();
  const limit = intParam(query, 'limit', 500, 1, 10_000);
  const kept = lines.filter(
    (line) => LOG_LEVELS.indexOf(line.level) >= minimum && (!search || line.raw.toLowerCase().includes(search)),
  );
  return kept.slice(-limit);
}

/** `done`: told of each stop, start, restart and chaos action once it was carried out (for session recordings). */
export function registerServiceRoutes(
  router: Router,
  control: ApplianceControl,
  timeline: RecoveryTimeline,
  done: (service: string, action: ServiceAction, ms?: number) => void = () => undefined,
): void {
  const known = (name: string): void => {
    if (!control.services().some((s) => s.name === name)) {
      throw new NotFoundError(
        `no service "${name}"; services: ${control
          .services()
          .map((s) => s.name)
          .join(', ')}`,
      );
    }
  };
  router
    .add('GET', '/api/services', () => ({ services: control.services() }))
    .add('GET', '/api/timeline', () => ({ events: timeline.list() }))
    .add('POST', '/api/services/:name/stop', async ({ params }) => {
      known(params.name!);
      await control.stop(params.name!);
      done(params.name!, 'stop');
      return { ok: true };
    })
    .add('POST', '/api/services/:name/start', async ({ params }) => {
      known(params.name!);
      await control.start(params.name!);
      done(params.name!, 'start');
      return { ok: true };
    })
    .add('POST', '/api/services/:name/restart', async ({ params }) => {
      known(params.name!);
      await control.restart(params.name!);
      done(params.name!, 'restart');
      return { ok: true };
    })
    // Before the generic chaos route, which would answer "latency" as an unknown action.
    .add('POST', '/api/services/:name/chaos/latency', async ({ params, body }) => {
      known(params.name!);
      const ms = objectBody(body).ms;
      if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0) {
        throw new BadRequestError(
          `field "ms" must be a whole number of milliseconds, 0 to clear; got ${JSON.stringify(ms)}`,
        );
      }
      const result = await control.consumerLatency(params.name!, ms);
      done(params.name!, 'latency', ms);
      return { ok: true, ...result };
    })
    .add('POST', '/api/services/:name/chaos/:action', async ({ params }) => {
      known(params.name!);
      const action = params.action as ChaosAction;
      if (!CHAOS_ACTIONS.includes(action)) {
        throw new BadRequestError(`chaos action must be one of ${CHAOS_ACTIONS.join(', ')}, got "${params.action}"`);
      }
      if (action === 'kill') timeline.killRequestedFor(params.name!);
      await control.chaos(params.name!, action);
      done(params.name!, action);
      return { ok: true };
    })
    .add('GET', '/api/services/:name/logs', ({ params, query }) => {
      known(params.name!);
      return { lines: filterLogs(control.logs(params.name!), query) };
    });
}
