// A run as people read it (one line per step with its time; failures with actor, expected and seen) and as CI
// systems read it (JUnit XML: one testsuite per scenario, one testcase per step).
import type { StepEvent } from './events';
import type { RunResult } from './run-scenario';

const MARK = { passed: '✓', failed: '✗', skipped: '-', running: '…' } as const;

/** Steps inside a repeat's rounds are many; they are printed only when they fail. */
export function worthALine(step: StepEvent): boolean {
  return step.status === 'failed' || step.id.split('.').length <= 2 || step.id.startsWith('setup');
}

export function stepLine(step: StepEvent): string {
  const depth = step.id.startsWith('setup') ? 0 : step.id.split('.').length - 1;
  const time = step.durationMs === undefined ? '' : ` (${step.durationMs} ms)`;
  const head = `${'  '.repeat(depth + 1)}${MARK[step.status]} ${step.id.padEnd(6)} line ${String(step.line).padEnd(4)} ${step.label}${time}`;
  if (step.status === 'failed' && step.failure) {
    const pad = `${'  '.repeat(depth + 2)}    `;
    return [
      head,
      ...(step.failure.actor ? [`${pad}actor:    ${step.failure.actor}`] : []),
      `${pad}expected: ${step.failure.expected}`,
      `${pad}seen:     ${step.failure.seen}`,
    ].join('\n');
  }
  return step.detail && step.status === 'passed' ? `${head}: ${step.detail}` : head;
}

export function summaryLine(result: RunResult): string {
  const count = (status: string): number => result.steps.filter((s) => s.status === status).length;
  return `${result.ok ? 'PASSED' : 'FAILED'} ${result.scenario} (${result.file}): ${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped in ${(result.durationMs / 1000).toFixed(1)} s`;
}

export function textReport(result: RunResult): string {
  return [
    `scenario: ${result.scenario} (${result.file})`,
    ...result.steps.filter(worthALine).map(stepLine),
    summaryLine(result),
  ].join('\n');
}

/** Characters XML 1.0 allows: tab, newline, carriage return, and from space on (no lone surrogates, no FFFE/FFFF). */
function allowedInXml(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d;
  return !(code >= 0xd800 && code <= 0xdfff) && code !== 0xfffe && code !== 0xffff;
}

function xml(text: string): string {
  const escaped = text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
  return [...escaped].filter(allowedInXml).join('');
}

/** JUnit XML for every run: one testsuite per scenario, one testcase per step (skipped and failed marked). */
export function junitReport(results: RunResult[]): string {
  const suites = results.map((result) => {
    const failures = result.steps.filter((s) => s.status === 'failed').length;
    const skipped = result.steps.filter((s) => s.status === 'skipped').length;
    const cases = result.steps.map((step) => {
      const name = xml(`${step.id} (line ${step.line}) ${step.label}`);
      const open = `    <testcase classname="${xml(result.scenario)}" name="${name}" file="${xml(result.file)}" line="${step.line}" time="${((step.durationMs ?? 0) / 1000).toFixed(3)}"`;
      if (step.status === 'skipped') return `${open}>\n      <skipped/>\n    </testcase>`;
      if (step.status === 'failed' && step.failure) {
        const f = step.failure;
        const message = `${f.actor ? `${f.actor}: ` : ''}expected ${f.expected}; seen ${f.seen}`;
        const body = [f.actor ? `actor: ${f.actor}` : '', `expected: ${f.expected}`, `seen: ${f.seen}`]
          .filter(Boolean)
          .join('\n');
        return `${open}>\n      <failure message="${xml(message)}">${xml(body)}</failure>\n    </testcase>`;
      }
      return `${open}/>`;
    });
    return [
      `  <testsuite name="${xml(result.scenario)}" file="${xml(result.file)}" tests="${result.steps.length}" failures="${failures}" skipped="${skipped}" errors="0" time="${(result.durationMs / 1000).toFixed(3)}">`,
      ...cases,
      '  </testsuite>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}
