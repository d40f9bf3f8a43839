// Under the map: what is in flight now (sends not acked, acked but not delivered, records waiting on the upstream
// for im-logic, all consumer lag) and the records/s through Kafka. Every number is live.
import type { GroupInfo } from '../../api/types';
import { totalLag } from '../lag';
import type { InFlight } from './useInFlight';

const UPSTREAM = 'gochat.messages.upstream';

function Count({
  label,
  value,
  tone,
  testId,
  title,
}: {
  label: string;
  value: number | string;
  tone?: boolean;
  testId: string;
  title: string;
}) {
  return (
    <span className={`inflight-item ${tone ? 'warn' : ''}`} data-testid={testId} data-value={value} title={title}>
      <strong className="num">{value}</strong> {label}
    </span>
  );
}

export function InFlightBar({
  inFlight,
  groups,
  rates,
}: {
  inFlight: InFlight;
  groups: GroupInfo[];
  rates: Record<string, number>;
}) {
  const upstream = totalLag(
    groups.filter((g) => g.groupId === 'im-logic'),
    UPSTREAM,
  );
  const lag = totalLag(groups);
  const perSecond = Object.values(rates).reduce((sum, r) => sum + r, 0);
  const unknown = inFlight.known ? undefined : '…';
  return (
    <div className="inflight row wrap small" data-testid="in-flight">
      <Count
        testId="in-flight-sending"
        label="sends waiting for an ack"
        value={unknown ?? inFlight.sending}
        tone={inFlight.sending > 0}
        title="simulated clients' sends the gateway has not acked yet"
      />
      <Count
        testId="in-flight-undelivered"
        label="acked, not yet delivered"
        value={unknown ?? inFlight.undelivered}
        tone={inFlight.undelivered > 0}
        title="stored with a seq, not yet received by any recipient's simulated client"
      />
      <Count
        testId="in-flight-upstream"
        label="on the upstream for im-logic"
        value={upstream}
        tone={upstream > 0}
        title="records on gochat.messages.upstream that im-logic has not handled yet (its consumer lag)"
      />
      <Count
        testId="in-flight-lag"
        label="consumer lag in all"
        value={lag}
        tone={lag > 0}
        title="records stored in Kafka that some consumer group has not handled yet"
      />
      <Count
        testId="in-flight-rate"
        label="records/s"
        value={perSecond}
        title="records appended to all topics in the last second"
      />
      {inFlight.reasons.length > 0 && (
        <span className="bad-text" data-testid="in-flight-reason" title={inFlight.reasons.join('\n')}>
          {inFlight.reasons[0]}
        </span>
      )}
    </div>
  );
}
