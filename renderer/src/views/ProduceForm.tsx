// Produce a record to a topic: an event typed as JSON and encoded to protobuf by the API, or a record opened
// from the browser, edited and sent again.
import { useState } from 'react';
import { api } from '../api/client';
import type { DecodedRecord, TopicInfo } from '../api/types';
import { ErrorBox } from '../components/common';
import { session } from '../session';
import { useAction } from '../hooks';

export function ProduceForm({
  topic,
  eventTypes,
  templates,
  from,
  onClose,
}: {
  topic: TopicInfo;
  eventTypes: Record<string, string>;
  templates: Record<string, Record<string, unknown>>;
  from: DecodedRecord | null;
  onClose: () => void;
}) {
  const [eventType, setEventType] = useState(from?.eventType ?? Object.keys(eventTypes)[0] ?? '');
  const [key, setKey] = useState(from?.key ?? '');
  const [partition, setPartition] = useState('');
  const [raw, setRaw] = useState(false);
  // A new record starts from every field of the chosen event's message; the API fills in meta.
  const template = (type: string): string => JSON.stringify(templates[type] ?? {}, null, 2);
  const [json, setJson] = useState(from?.value ? JSON.stringify(from.value, null, 2) : template(eventType));
  const [result, setResult] = useState<string | null>(null);
  const action = useAction();
  const chooseType = (type: string): void => {
    if (!from && json === template(eventType)) setJson(template(type)); // an untouched template follows the type
    setEventType(type);
  };

  const submit = () =>
    action.run(async () => {
      setResult(null); // an earlier success must not stand beside a new error
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (error) {
        throw new Error(`the value is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
      }
      const produced = await api.produce(topic.name, {
        key: key || undefined,
        eventType,
        json: value,
        partition: partition === '' ? undefined : Number(partition),
        raw,
      });
      setResult(`Produced to partition ${produced.partition} at offset ${produced.offset}.`);
      session.add({
        key: `produce:${topic.name}:${produced.partition}:${produced.offset}`,
        atMs: Date.now(),
        kind: 'produce',
        text: `produced ${raw ? 'a raw record' : eventType || 'a record'} by hand to ${topic.name} p${produced.partition}@${produced.offset}`,
      });
    });

  return (
    <section className="card produce" data-testid="produce-form">
      <header className="row">
        <h3>
          {from ? `Replay p${from.partition}@${from.offset} edited` : 'Produce a record'} to {topic.name}
        </h3>
        <button className="link" onClick={onClose}>
          close
        </button>
      </header>
      <div className="row wrap">
        <label>
          event type{' '}
          <select value={eventType} onChange={(e) => chooseType(e.target.value)} aria-label="event type">
            {Object.keys(eventTypes).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          key{' '}
          <input
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-label="key"
            placeholder={raw ? 'none' : 'required (e.g. a user id)'}
          />
        </label>
        <label>
          partition{' '}
          <select value={partition} onChange={(e) => setPartition(e.target.value)}>
            <option value="">by key</option>
            {topic.partitions.map((p) => (
              <option key={p.partition} value={p.partition}>
                {p.partition}
              </option>
            ))}
          </select>
        </label>
      </div>
      <textarea
        value={json}
        onChange={(e) => setJson(e.target.value)}
        rows={12}
        spellCheck={false}
        aria-label="value as JSON"
      />
      <p className="muted small">
        The value is encoded as {eventTypes[eventType] ?? 'the event type’s message'}; event-type, event-id, traceparent
        and content-type headers are added.{' '}
        {raw
          ? 'Raw: produced exactly as given, to any topic, with or without a key.'
          : 'Its meta (event id, type, time, producer, trace) is filled in; a key is required and the event must belong to this topic.'}
      </p>
      <div className="row">
        <button className="primary" onClick={submit} disabled={action.busy} data-action="produce">
          Produce
        </button>
        <label className="small">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} aria-label="raw record" /> raw
          record (no checks)
        </label>
        {result && <span className="ok-text">{result}</span>}
      </div>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </section>
  );
}
