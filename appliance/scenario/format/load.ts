// Reads a scenario file: YAML (with line numbers), then the JSON Schema, then the checks a schema cannot say (an
// actor that is not declared, a step with two actions). Every problem names the file, the line and what is wrong,
// and nothing runs until there are none.
import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { Positions, type Path } from './positions';
import schema from './scenario.schema.json';
import { ScenarioFileError, type Scenario, type ScenarioProblem } from './model';
import { buildScenario } from './build';

const ajv = new Ajv({ allErrors: true, jsonPointers: true, verbose: true });
const validate = ajv.compile(schema);

function pointerPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

const STEP_KINDS = Object.keys(schema.definitions.step.properties).filter((k) => k !== 'name');

function schemaProblems(data: unknown, file: string, positions: Positions): ScenarioProblem[] {
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.dataPath));
  const seen = new Set<string>();
  const problems: ScenarioProblem[] = [];
  for (const error of errors) {
    // The branches of an anyOf say little on their own; the anyOf error says what was expected.
    if (anyOfPaths.has(error.dataPath) && error.schemaPath.includes('/anyOf/')) continue;
    const path = pointerPath(error.dataPath);
    const where = path.length ? path.join('.') : 'the file';
    let message: string;
    let at = positions.at(path);
    const params = error.params as Record<string, unknown>;
    if (error.keyword === 'additionalProperties') {
      const field = String(params.additionalProperty);
      at = positions.at([...path, field], true);
      const isStep = path.length >= 2 && typeof path[path.length - 1] === 'number' && path.includes('steps');
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      message = isStep
        ? `unknown step "${field}" at ${where}; a step is one of: ${STEP_KINDS.join(', ')}`
        : `unknown field "${field}" at ${where}${allowed.length ? `; allowed: ${allowed.join(', ')}` : ''}`;
    } else if (error.keyword === 'required') {
      message = `${where} is missing "${String(params.missingProperty)}"`;
    } else if (error.keyword === 'anyOf') {
      const description = (error.parentSchema as { description?: string }).description;
      message = `${where} has the wrong form${description ? `: expected ${description}` : ''}, got ${JSON.stringify(error.data)}`;
    } else if (error.keyword === 'propertyNames') {
      message = `${where}: names must be letters, digits and _ (starting with a letter or _)`;
    } else if (error.keyword === 'minProperties' && path.includes('steps')) {
      message = `${where} is an empty step; a step is one of: ${STEP_KINDS.join(', ')}`;
    } else {
      message = `${where} ${error.message ?? 'is not valid'}${error.keyword === 'enum' ? `: ${JSON.stringify(params.allowedValues)}` : ''}`;
    }
    const id = `${at.line}:${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    problems.push({ file, ...at, message });
  }
  return problems.sort((a, b) => a.line - b.line || a.column - b.column);
}

/** Parses and checks a scenario's text; throws ScenarioFileError listing every problem found. */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ScenarioFileError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return {
          file,
          line: pos?.line ?? 1,
          column: pos?.col ?? 1,
          message: `not valid YAML: ${error.message.split('\n')[0]}`,
        };
      }),
    );
  }
  const data: unknown = doc.toJS();
  const positions = new Positions(doc, lines);
  const problems = schemaProblems(data, file, positions);
  if (problems.length > 0) throw new ScenarioFileError(problems);
  return buildScenario(data as Record<string, unknown>, file, positions);
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioFileError([
      { file: path, line: 1, column: 1, message: `cannot read the file: ${(error as Error).message}` },
    ]);
  }
  return parseScenario(text, path);
}
