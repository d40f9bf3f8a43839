// Small metadata files written so a crash leaves either the old or the new version, never a torn one:
// write a temp file, fsync it, rename it over the old one, fsync the directory.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { syncDir } from './partition-log';

export function writeJsonDurably(path: string, value: unknown): void {
  const tmp = `${path}.tmp`;
  const data = Buffer.from(JSON.stringify(value, null, 1));
  const fd = openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
}

export class CorruptMetadataError extends Error {
  constructor(path: string, cause: unknown) {
    super(
      `${path} is not valid broker metadata (${(cause as Error)?.message ?? String(cause)}); it is only ever replaced whole, so it was edited or damaged outside the broker`,
      { cause },
    );
    this.name = 'CorruptMetadataError';
  }
}

export function readJsonIfPresent(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (err) {
    throw new CorruptMetadataError(path, err);
  }
}
