// Appends the records of an NDJSON export to a topic again, in parts, reporting progress as it goes.
import { api } from '../api/client';

export function ImportButton({
  topic,
  onError,
  onProgress,
}: {
  topic: string;
  onError: (error: string | null) => void;
  onProgress: (text: string | null) => void;
}) {
  const importFile = (input: HTMLInputElement) => {
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    void (async () => {
      onError(null);
      try {
        const lines = (await file.text()).split('\n').filter((line) => line.trim() !== '');
        const records = lines.map((line, i) => {
          try {
            return JSON.parse(line) as unknown;
          } catch {
            throw new Error(`${file.name} line ${i + 1} is not JSON`);
          }
        });
        for (let done = 0; done < records.length; done += 1000) {
          onProgress(`importing ${file.name}: ${done} of ${records.length}…`);
          await api.importRecords(topic, records.slice(done, done + 1000));
        }
        onProgress(`imported ${records.length} records from ${file.name}`);
      } catch (e) {
        onProgress(null);
        onError(`import failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    })();
  };
  return (
    <label className="button" title="append the records of an NDJSON export to this topic again">
      Import NDJSON…
      <input type="file" accept=".ndjson,.jsonl,application/x-ndjson" hidden onChange={(e) => importFile(e.target)} />
    </label>
  );
}
