// Paging through a topic with the server's scan: the first page, then "load more" from the cursor it returned,
// with how many records were scanned and how many are left.
import { useState } from 'react';
import { api, type BrowseQuery } from '../../api/client';
import type { RecordSummary } from '../../api/types';

export interface PageState {
  cursor: string;
  scanned: number;
  remaining: number;
  done: boolean;
}

export function usePages(
  topic: string,
  setRows: (update: (rows: RecordSummary[]) => RecordSummary[]) => void,
  onError: (message: string | null) => void,
) {
  const [page, setPage] = useState<PageState | null>(null);
  // the first page is loading from the moment the browser opens (it is keyed by topic: one mount per topic)
  const [loading, setLoading] = useState(true);

  const load = (query: BrowseQuery, cursor?: string) => {
    setLoading(true);
    onError(null);
    api.browse(topic, { ...query, limit: 100, cursor }).then(
      (result) => {
        setRows((existing) => (cursor ? [...existing, ...result.records] : result.records));
        setPage((previous) => ({
          cursor: result.cursor,
          scanned: (cursor ? (previous?.scanned ?? 0) : 0) + result.scanned,
          remaining: result.remaining,
          done: result.done,
        }));
        setLoading(false);
      },
      (e: unknown) => {
        onError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
  };

  return { page, loading, load, clear: () => setPage(null) };
}
