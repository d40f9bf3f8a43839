// docs/protocol.md is the contract a client writer follows alone (as proto/ is the services'): every error code,
// close code and signal type the services can produce is named there, and everything it names exists. This reads
// the code's own definitions (not a copy of them), so adding a code without documenting it fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Unavailable } from '../lib/errors';
import * as limits from '../lib/limits';
import { FORBIDDEN_REASONS } from '../services/im-logic/domain/errors';
import { GatewayErrorCode } from '../services/im-gateway/domain/errors';
import { CloseCode, describeError, STATUS_OF_KIND } from '../services/im-gateway/transport/error-mapping';
import { SIGNAL_TYPES } from '../services/im-task/domain/derived-tasks';

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const doc = readFileSync(root('docs/protocol.md'), 'utf8');

/** The rows of the markdown table that follows a heading, as arrays of cells. */
function tableAfter(heading: string): string[][] {
  const start = doc.indexOf(heading);
  assert.ok(start >= 0, `docs/protocol.md has no "${heading}"`);
  const lines = doc.slice(start).split('\n').slice(1);
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(2);
}

const codesInCode = new Set<string>([
  ...Object.keys(STATUS_OF_KIND),
  ...Object.values(GatewayErrorCode),
  ...FORBIDDEN_REASONS,
  ...limits.LIMIT_ERROR_CODES,
]);

test('every error code the services produce is in the doc table, and every code there exists', () => {
  const documented = tableAfter('### Errors').map(([code]) => code!.replace(/`/g, ''));
  assert.deepEqual(
    [...codesInCode].filter((c) => !documented.includes(c)),
    [],
    'codes missing from docs/protocol.md',
  );
  assert.deepEqual(
    documented.filter((c) => !codesInCode.has(c)),
    [],
    'codes in docs/protocol.md that the code never produces',
  );
});

test('gRPC failures reach the client only as UNAVAILABLE, never as their finer gRPC names', () => {
  const { status, error } = describeError(new Unavailable('im-logic timed out', { code: 'DEADLINE_EXCEEDED' }));
  assert.equal(status, 503);
  assert.equal(error.code, 'UNAVAILABLE');
});

test('every close code is documented, and the doc names no other', () => {
  const section = doc.slice(doc.indexOf('Close codes used by the gateway'));
  const listed = section.slice(0, section.indexOf('\n\n'));
  const inDoc = [...listed.matchAll(/`(\d{4})`/g)].map((m) => Number(m[1]));
  assert.deepEqual([...new Set(inDoc)].sort(), Object.values(CloseCode).sort());
});

test('every signal type im-task derives is in the doc table, and every one there is derived', () => {
  const produced = Object.values(SIGNAL_TYPES);
  const documented = tableAfter('Signals (`signal.signalType`').map(([type]) => type!.replace(/`/g, ''));
  assert.deepEqual([...new Set(produced)].sort(), [...documented].sort());
});

test('the limits the doc states are the ones lib/limits.ts enforces', () => {
  const expect = [
    `1-${limits.CLIENT_MSG_ID_MAX_LENGTH} of \`[A-Za-z0-9_.:-]\``,
    `${limits.BODY_MAX_BYTES.toLocaleString('en-US')} bytes`,
    `at most ${limits.HISTORY_MAX_LIMIT.toLocaleString('en-US')}`,
    `default ${limits.HISTORY_DEFAULT_LIMIT}`,
    `default ${limits.USER_SEARCH_DEFAULT_LIMIT}, at most ${limits.USER_SEARCH_MAX_LIMIT}`,
    ...limits.CLIENT_CONTENT_TYPES.map((t) => `\`${t}\``),
  ];
  for (const text of expect) assert.ok(doc.includes(text), `docs/protocol.md states "${text}"`);
});
