// One chat message in a client panel. The sender's own messages carry their receipts: a tick in a p2p conversation,
// "delivered to N of M" / "read by N of M" in a group, and on hover a timeline of each step with its latency.
import type { SimMessage } from '../../api/types';
import { absolute, Time } from '../../components/common';

const TICKS: Record<SimMessage['status'], string> = {
  sending: '…',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓ read',
  failed: '✗',
};

export function latency(ms: number): string {
  return ms < 1000 ? `+${Math.max(0, Math.round(ms))} ms` : `+${(ms / 1000).toFixed(1)} s`;
}

/** "delivered to 3 of 3 · read by 2 of 3" for a group message; null for a p2p one (the tick says it). */
export function groupReceipt(m: SimMessage): string | null {
  const of = m.recipients ?? 1;
  if (of <= 1) return null;
  const delivered = Object.keys(m.deliveredTo ?? {}).length;
  const read = Object.keys(m.readBy ?? {}).length;
  const parts = [];
  if (delivered > 0) parts.push(`delivered to ${delivered} of ${of}`);
  if (read > 0) parts.push(`read by ${read} of ${of}`);
  return parts.join(' · ') || null;
}

function ReceiptTimeline({ m, nameOf }: { m: SimMessage; nameOf: (userId: string) => string }) {
  const steps: { step: string; who?: string; atMs: number }[] = [];
  if (m.ackedAtMs) steps.push({ step: `acked #${m.seq}`, atMs: m.ackedAtMs });
  for (const [userId, atMs] of Object.entries(m.deliveredTo ?? {}))
    steps.push({ step: 'delivered to', who: userId, atMs });
  for (const [userId, atMs] of Object.entries(m.readBy ?? {})) steps.push({ step: 'read by', who: userId, atMs });
  steps.sort((a, b) => a.atMs - b.atMs);
  return (
    <div className="receipt-timeline small" role="tooltip" data-testid="receipt-timeline">
      <div>sent {absolute(m.sentAtMs)}</div>
      {steps.map((s, i) => (
        <div key={i} data-step={s.step.split(' ')[0]}>
          {s.step}{' '}
          {s.who && (
            <span className="name" title={s.who}>
              {nameOf(s.who)}
            </span>
          )}{' '}
          <span className="muted">{latency(s.atMs - m.sentAtMs)}</span>
        </div>
      ))}
      {m.status === 'sending' && <div className="muted">no ack yet</div>}
      {(m.recipients ?? 1) > 1 && (
        <div className="muted">deliveries are seen through simulated members and read receipts</div>
      )}
    </div>
  );
}

export function MessageBubble({
  m,
  mine,
  nameOf,
}: {
  m: SimMessage;
  mine: boolean;
  nameOf: (userId: string) => string;
}) {
  const receipt = mine ? groupReceipt(m) : null;
  return (
    <div
      className={`bubble ${mine ? 'mine' : 'theirs'}`}
      data-message={m.body}
      data-status={m.status}
      data-seq={m.seq}
      tabIndex={mine ? 0 : undefined}
    >
      {!mine && (
        <div className="muted small" title={m.senderId}>
          {nameOf(m.senderId)}
        </div>
      )}
      <div>{m.body}</div>
      <div className="meta small">
        <Time ms={m.sentAtMs} /> {m.seq > 0 && <span>#{m.seq}</span>}{' '}
        {mine && <span className={`tick ${m.status}`}>{TICKS[m.status]}</span>}
        {receipt && <span data-testid="receipt">{receipt}</span>}
        {/* A received message may not know its trace: the flow is then found by the stored message's id. */}
        {(m.traceId || m.messageId) && (
          <a
            href={m.traceId ? `#/flows?trace=${m.traceId}` : `#/flows?message=${encodeURIComponent(m.messageId)}`}
            title="open this message's flow"
            data-action="open-flow"
          >
            flow
          </a>
        )}
      </div>
      {m.error && <div className="error small">{m.error}</div>}
      {m.waitingFor && (
        <div className="muted small" data-waiting={m.waitingFor}>
          {m.waitingFor}
        </div>
      )}
      {mine && <ReceiptTimeline m={m} nameOf={nameOf} />}
    </div>
  );
}
