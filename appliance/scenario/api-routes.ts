// The console's Scenarios view: list the shipped scenario files, read one, check edited text (problems at their
// lines), save it, and run it against this appliance with every step pushed live on /api/live as it happens.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BadRequestError, NotFoundError } from '../api/http/errors';
import { objectBody, stringField, type Router } from '../api/http/router';
import { ApplianceApiClient } from './adapters/appliance-api-client';
import { WsGateways } from './adapters/ws-gateways';
import type { RunEvent } from './domain/events';
import { runScenario } from './domain/run-scenario';
import { parseScenario } from './format/load';
import { ScenarioFileError } from './format/model';

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.ya?ml$/;
const KEPT_RUNS = 20;

export interface ScenarioRouteDeps {
  /** The folder of scenario files (the project's scenarios/). */
  dir: string;
  /** gatewayId -> http://host:port of the gateways running now. */
  gateways: () => Map<string, string>;
  /** This API's own address and token: the runner reaches presence, topics and chaos through it. */
  self: () => { url: string; token: string };
  broadcast: (message: { type: 'scenario'; runId: string; event: RunEvent }) => void;
}

interface RunRecord {
  runId: string;
  file: string;
  events: RunEvent[];
  done: boolean;
}

function fileName(raw: string | undefined): string {
  if (!raw || !FILE_NAME.test(raw))
    throw new BadRequestError(`a scenario file name is letters, digits, _ . - ending in .yaml; got "${raw ?? ''}"`);
  return raw;
}

function check(
  text: string,
  file: string,
): { ok: boolean; problems: ScenarioFileError['problems']; name?: string; columns?: string[] } {
  try {
    const scenario = parseScenario(text, file);
    return {
      ok: true,
      problems: [],
      name: scenario.name,
      columns: scenario.actors.map((a) => (a.count !== undefined ? `${a.name}[*]` : a.name)),
    };
  } catch (error) {
    if (error instanceof ScenarioFileError) return { ok: false, problems: error.problems };
    throw error;
  }
}

export function registerScenarioRoutes(router: Router, deps: ScenarioRouteDeps): void {
  const runs = new Map<string, RunRecord>();
  let counter = 0;
  router
    .add('GET', '/api/scenarios', () => {
      const files = existsSync(deps.dir)
        ? readdirSync(deps.dir)
            .filter((f) => FILE_NAME.test(f))
            .sort()
        : [];
      return {
        dir: deps.dir,
        scenarios: files.map((file) => {
          const result = check(readFileSync(join(deps.dir, file), 'utf8'), file);
          return { file, name: result.name ?? file, ok: result.ok };
        }),
        runs: [...runs.values()].map((r) => ({ runId: r.runId, file: r.file, done: r.done })),
      };
    })
    .add('GET', '/api/scenarios/files/:file', ({ params }) => {
      const file = fileName(params.file);
      const path = join(deps.dir, file);
      if (!existsSync(path)) throw new NotFoundError(`no scenario ${file} in ${deps.dir}`);
      return { file, text: readFileSync(path, 'utf8') };
    })
    .add('POST', '/api/scenarios/files/:file', ({ params, body }) => {
      const file = fileName(params.file);
      const text = stringField(objectBody(body), 'text', true);
      const result = check(text, file);
      if (!result.ok)
        throw new BadRequestError(
          `not saved: ${result.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`,
        );
      writeFileSync(join(deps.dir, file), text);
      return { file, saved: true };
    })
    .add('POST', '/api/scenarios/check', ({ body }) => {
      const request = objectBody(body);
      return check(stringField(request, 'text', true), stringField(request, 'file') ?? 'scenario.yaml');
    })
    .add('POST', '/api/scenarios/runs', ({ body }) => {
      const request = objectBody(body);
      const file = stringField(request, 'file') ?? 'scenario.yaml';
      const text = stringField(request, 'text', true);
      let scenario;
      try {
        scenario = parseScenario(text, file);
      } catch (error) {
        if (error instanceof ScenarioFileError)
          throw new BadRequestError(
            `the scenario has problems: ${error.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ')}`,
          );
        throw error;
      }
      counter += 1;
      const runId = `r${Date.now().toString(36)}${counter}`;
      const record: RunRecord = { runId, file, events: [], done: false };
      runs.set(runId, record);
      for (const old of [...runs.keys()].slice(0, Math.max(0, runs.size - KEPT_RUNS))) runs.delete(old);
      const self = deps.self();
      void runScenario(scenario, {
        gateways: new WsGateways(deps.gateways()),
        ops: new ApplianceApiClient(self.url, self.token),
        listener: (event) => {
          record.events.push(event);
          deps.broadcast({ type: 'scenario', runId, event });
        },
      })
        .catch((error: unknown) => {
          const event: RunEvent = { type: 'run-end', ok: false, durationMs: 0, passed: 0, failed: 1, skipped: 0 };
          record.events.push(
            {
              type: 'step',
              id: 'run',
              line: 1,
              label: `the run stopped: ${error instanceof Error ? error.message : String(error)}`,
              kind: 'setup',
              actors: [],
              status: 'failed',
              startedAtMs: Date.now(),
              failure: { expected: 'the run to complete', seen: String(error) },
            },
            event,
          );
          deps.broadcast({ type: 'scenario', runId, event });
        })
        .finally(() => {
          record.done = true;
        });
      return { runId };
    })
    .add('GET', '/api/scenarios/runs/:runId', ({ params }) => {
      const record = runs.get(params.runId!);
      if (!record) throw new NotFoundError(`no run ${params.runId}; runs are kept for the last ${KEPT_RUNS}`);
      return record;
    });
}
