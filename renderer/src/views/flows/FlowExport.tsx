// Export buttons of one flow: its mermaid text (download or copy) and its SVG (download), from the API's own
// exports so a file holds exactly what /api/flows/:id/mermaid and /svg answer.
import { useState } from 'react';
import { api } from '../../api/client';

function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  Object.assign(document.createElement('a'), { href: url, download: name }).click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function FlowExport({ traceId }: { traceId: string }) {
  const [said, setSaid] = useState<string | null>(null);
  const run = (action: () => Promise<string>) => () => {
    action().then(setSaid, (e: unknown) => setSaid(`export failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  return (
    <span className="row small flow-export" data-testid="flow-export">
      <button
        onClick={run(async () => {
          save(await api.flowFile(traceId, 'mermaid'), `flow-${traceId}.mmd`);
          return 'mermaid saved';
        })}
        data-action="export-mermaid"
      >
        mermaid ↓
      </button>
      <button
        onClick={run(async () => {
          const text = await (await api.flowFile(traceId, 'mermaid')).text();
          await navigator.clipboard.writeText(text);
          return 'mermaid copied';
        })}
        data-action="copy-mermaid"
      >
        copy mermaid
      </button>
      <button
        onClick={run(async () => {
          save(await api.flowFile(traceId, 'svg'), `flow-${traceId}.svg`);
          return 'SVG saved';
        })}
        data-action="export-svg"
      >
        SVG ↓
      </button>
      {said && (
        <span className="muted" role="status">
          {said}
        </span>
      )}
    </span>
  );
}
