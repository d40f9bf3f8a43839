// What a flow's hop is, as the diagram, the waterfall and the hop panel show it: its state (observed, inferred,
// missing, failed), the facts printed beside it, the lane of the process that did the work, and the Kafka record
// it produced or consumed.
import type { FlowSpan } from '../api/types';

export type HopState = 'observed' | 'inferred' | 'missing' | 'failed';

/** A failed status: anything but OK and HTTP 2xx (the API's rule, appliance/api/flows/span-diagram.ts). */
export function isFailure(status: string | undefined): boolean {
  return status !== undefined && status !== 'OK' && !/^2\d\d$/.test(status);
}

export function hopState(span: FlowSpan): HopState {
  if (span.missing) return 'missing';
  if (isFailure(span.status)) return 'failed';
  return span.inferred ? 'inferred' : 'observed';
}

export function ms(value: number): string {
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 100) return `${value.toFixed(1)} ms`;
  return `${Math.round(value)} ms`;
}

/** "3.2 ms · UNAVAILABLE · attempt 2": what the diagram writes under an arrow. */
export function hopFacts(span: FlowSpan): string {
  const facts: string[] = [];
  if (span.durationMs !== undefined) facts.push(ms(span.durationMs));
  if (isFailure(span.status)) facts.push(span.status as string);
  if (span.attempt) facts.push(`retry, attempt ${span.attempt}`);
  if (span.missing) facts.push('missing: expected, not reported');
  else if (span.inferred) facts.push('inferred');
  return facts.join(' · ');
}

/** The process that did the hop's work: the service end of it (a topic or a client does nothing itself). */
export function laneOf(span: FlowSpan): string {
  const passive = (p: string) => p.startsWith('topic:') || p.startsWith('client:');
  if (span.kind === 'grpc' || span.kind === 'note') return span.to;
  if (!passive(span.to) && passive(span.from)) return span.to;
  return passive(span.from) ? span.to : span.from;
}

export interface RecordRef {
  topic: string;
  partition: number;
  offset: number;
}

/** The record a Kafka hop produced or consumed ("message.upstream p0@12", "consume p1@7"), when it names one. */
export function recordOf(span: FlowSpan): RecordRef | null {
  if (span.kind !== 'kafka') return null;
  const at = /\bp(\d+)@(\d+)\b/.exec(span.label);
  const topic = [span.to, span.from].find((p) => p.startsWith('topic:'));
  if (!at || !topic) return null;
  return { topic: topic.slice('topic:'.length), partition: Number(at[1]), offset: Number(at[2]) };
}
