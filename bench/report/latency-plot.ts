// The plot of docs/performance.md, drawn by the bench itself as SVG (no plotting library): p2p latency p50 and
// p99 against the offered rate, for the system and for the relay baseline. Latencies span 1 ms to seconds, so
// the y axis is logarithmic; the offered rates are the categories on the x axis.

export interface PlotSeries {
  name: string;
  color: string;
  dashed: boolean;
  /** Per x category: the latency in ms, or undefined where the load was not run. */
  values: (number | undefined)[];
}

const WIDTH = 640;
const HEIGHT = 360;
const LEFT = 64;
const RIGHT = 170;
const TOP = 36;
const BOTTOM = 48;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function latencyPlot(title: string, categories: string[], series: PlotSeries[]): string {
  const values = series.flatMap((s) => s.values).filter((v): v is number => v !== undefined && v > 0);
  const low = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const high = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const x = (i: number): number =>
    LEFT + (categories.length === 1 ? plotWidth / 2 : (i * plotWidth) / (categories.length - 1));
  const y = (ms: number): number =>
    TOP +
    plotHeight -
    ((Math.log10(Math.max(ms, low)) - Math.log10(low)) / (Math.log10(high) - Math.log10(low))) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${LEFT}" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  for (let decade = low; decade <= high; decade *= 10) {
    const yy = y(decade).toFixed(1);
    parts.push(`<line x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${yy}" y2="${yy}" stroke="#ddd"/>`);
    const label = decade >= 1000 ? `${decade / 1000} s` : `${decade} ms`;
    parts.push(`<text x="${LEFT - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${label}</text>`);
  }
  categories.forEach((category, i) => {
    const xx = x(i).toFixed(1);
    parts.push(`<line x1="${xx}" x2="${xx}" y1="${TOP}" y2="${TOP + plotHeight}" stroke="#eee"/>`);
    parts.push(`<text x="${xx}" y="${TOP + plotHeight + 18}" text-anchor="middle">${escapeXml(category)}</text>`);
  });
  parts.push(
    `<text x="${LEFT + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">offered load (messages/s, or window of sends per sender)</text>`,
    `<rect x="${LEFT}" y="${TOP}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#888"/>`,
  );
  series.forEach((s, n) => {
    const points = s.values.flatMap((v, i) => (v === undefined ? [] : [[x(i), y(v)] as const]));
    const dash = s.dashed ? ' stroke-dasharray="5 4"' : '';
    // A load that was not run (skipped) breaks the line rather than being drawn over.
    let d = '';
    s.values.forEach((v, i) => {
      if (v === undefined) return;
      d += `${i > 0 && s.values[i - 1] !== undefined ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    });
    if (d.includes('L')) parts.push(`<path d="${d.trim()}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    for (const [px, py] of points) {
      parts.push(`<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3.5" fill="${s.color}"/>`);
    }
    const ly = TOP + 10 + n * 20;
    const lx = LEFT + plotWidth + 16;
    parts.push(`<line x1="${lx}" x2="${lx + 24}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${lx + 30}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
