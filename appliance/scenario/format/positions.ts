// Line and column of a place in a scenario's YAML, for problems and for the console's editor.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

export type Path = (string | number)[];

/** Where a path of the document sits: the key's position when `key` (an unknown field), else the value's. */
export class Positions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: Path, key = false): { line: number; column: number } {
    if (key && path.length > 0) {
      const parent = this.node(path.slice(0, -1));
      const name = String(path[path.length - 1]);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === name);
        if (pair && isScalar(pair.key) && pair.key.range) return this.pos(pair.key.range[0]);
      }
    }
    for (let depth = path.length; depth >= 0; depth -= 1) {
      const node = this.node(path.slice(0, depth));
      if ((isMap(node) || isSeq(node) || isScalar(node)) && node.range) return this.pos(node.range[0]);
    }
    return { line: 1, column: 1 };
  }

  private node(path: Path): unknown {
    return path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
  }

  private pos(offset: number): { line: number; column: number } {
    const found = this.lines.linePos(offset);
    return { line: found.line, column: found.col };
  }
}
