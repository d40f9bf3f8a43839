import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerLogger } from '../core';

export function makeTempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `kafka-broker-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Collects the broker's warnings so tests can assert on the reasons it logs. */
export function recordingLogger(): BrokerLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => undefined,
    warn: (msg) => warnings.push(msg),
    error: (msg) => warnings.push(`ERROR ${msg}`),
  };
}
