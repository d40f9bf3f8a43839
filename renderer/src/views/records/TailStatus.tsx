// One line saying what the live tail has done: received, held while paused, missing and being fetched back.
import { SHOWN, type useTail } from './useTail';

export function TailStatus({ tail, shown }: { tail: ReturnType<typeof useTail>; shown: number }) {
  return (
    <p
      className="small tail-stats"
      data-testid="tail-stats"
      data-received={tail.stats.received}
      data-missing={tail.missing}
      data-held={tail.held}
      data-paused={tail.paused ? 'true' : 'false'}
      data-subscribed={tail.subscribed ? 'true' : 'false'}
    >
      {tail.paused ? 'Paused' : 'Tailing'}: {tail.stats.received} records received
      {tail.held ? `, ${tail.held} held while paused` : ''}
      {tail.missing ? `, ${tail.missing} missing (fetching back)` : ', none missing'}. Showing the last{' '}
      {Math.min(shown, SHOWN)}.
    </p>
  );
}
