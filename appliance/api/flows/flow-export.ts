// A flow as a file: mermaid sequenceDiagram text (the seed flows' own notation, so the two can be compared line by
// line) and a standalone SVG. Observed hops are solid arrows (->>) with their duration and status; hops inferred
// from the seed flows are dashed (-->>) and marked "(inferred)"; expected hops no process reported end in a cross
// (-x) and are marked "(missing)".
import type { FlowSpan, FlowTrace } from './flow-tracker';
import { isFailure } from './span-diagram';

/** Mermaid participant ids must be plain words; the name shown is the participant itself. */
function ids(participants: string[]): Map<string, string> {
  return new Map(participants.map((p, i) => [p, `p${i}`]));
}

/** Mermaid message text may not hold ";" or "#" (entity syntax) or line breaks. */
const clean = (text: string): string => text.replace(/[;#\r\n]/g, ' ');

export function arrowText(span: FlowSpan): string {
  const facts: string[] = [];
  if (span.durationMs !== undefined) facts.push(`${span.durationMs} ms`);
  if (span.status && span.status !== 'OK') facts.push(span.status);
  if (span.attempt) facts.push(`attempt ${span.attempt}`);
  if (span.missing) {
    if (!span.label.includes('missing')) facts.push('missing');
  } else if (span.inferred) facts.push('inferred');
  return clean(facts.length > 0 ? `${span.label} (${facts.join(', ')})` : span.label);
}

export function flowToMermaid(trace: FlowTrace): string {
  const id = ids(trace.participants);
  const lines = ['sequenceDiagram', `    title ${clean(trace.title)}`];
  for (const p of trace.participants) lines.push(`    participant ${id.get(p)} as ${clean(p)}`);
  for (const span of trace.spans) {
    const from = id.get(span.from) as string;
    if (span.kind === 'note') {
      lines.push(`    Note over ${from}: ${clean(span.label)}`);
      continue;
    }
    const arrow = span.missing ? '-x' : span.inferred ? '-->>' : '->>';
    lines.push(`    ${from}${arrow}${id.get(span.to) as string}: ${arrowText(span)}`);
  }
  return `${lines.join('\n')}\n`;
}

const LANE = 150;
const ROW = 28;
const TOP = 60;

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

/** A standalone SVG of the diagram, for a report or an issue (no script, no external style). */
export function flowToSvg(trace: FlowTrace): string {
  const x = (p: string) => 80 + trace.participants.indexOf(p) * LANE;
  const width = 160 + Math.max(0, trace.participants.length - 1) * LANE;
  const height = TOP + trace.spans.length * ROW + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(trace.title)}</title>`,
    '<defs><marker id="head" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#333"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
  ];
  for (const p of trace.participants) {
    parts.push(
      `<text x="${x(p)}" y="20" text-anchor="middle" font-weight="bold">${escapeXml(p)}</text>`,
      `<line x1="${x(p)}" y1="30" x2="${x(p)}" y2="${height - 10}" stroke="#bbb"/>`,
    );
  }
  trace.spans.forEach((span, row) => {
    const y = TOP + row * ROW;
    const color = span.missing || isFailure(span.status) ? '#c0392b' : '#333';
    const label = escapeXml(arrowText(span));
    if (span.from === span.to) {
      parts.push(`<text x="${x(span.from) + 6}" y="${y}" fill="${color}">${label}</text>`);
      return;
    }
    const dash = span.inferred || span.missing ? ' stroke-dasharray="5,4"' : '';
    parts.push(
      `<line x1="${x(span.from)}" y1="${y}" x2="${x(span.to)}" y2="${y}" stroke="${color}"${dash} marker-end="url(#head)"/>`,
      `<text x="${(x(span.from) + x(span.to)) / 2}" y="${y - 4}" text-anchor="middle" fill="${color}">${label}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
