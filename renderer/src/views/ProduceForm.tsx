// Produce a record to a topic: an event typed as JSON and encoded to protobuf by the API, or a record opened
// from the browser, edited and sent again.
import { useState } from 'react';
import { api } from '../api/client';
import type { DecodedRecord, TopicInfo } from '../api/types';
import { ErrorBox } from '../components/common';
import { useAction } from '../hooks';

export function ProduceForm({
  topic,
  eventTypes,
  from,
  onClose,
}: {
  topic: TopicInfo;
  eventTypes: Record<string, string>;
  from: DecodedRecord | null;
  onClose: () => void;
}) {
  const [eventType, setEventType] = useState(from?.eventType ?? Object.keys(eventTypes)[0] ?? '');
  const [key, setKey] = useState(from?.key ?? '');
  const [partition, setPartition] = useState('');
  const [json, setJson] = useState(
    from?.value ? JSON.stringify(from.value, null, 2) : '{\n  "meta": { "eventType": "" }\n}',
  );
  const [result, setResult] = useState<string | null>(null);
  const action = useAction();

  const submit = () =>
    action.run(async () => {
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
      });
      setResult(`Produced to partition ${produced.partition} at offset ${produced.offset}.`);
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
          <select value={eventType} onChange={(e) => setEventType(e.target.value)}>
            {Object.keys(eventTypes).map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          key <input value={key} onChange={(e) => setKey(e.target.value)} />
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
        and content-type headers are added.
      </p>
      <div className="row">
        <button className="primary" onClick={submit} disabled={action.busy}>
          Produce
        </button>
        {result && <span className="ok-text">{result}</span>}
      </div>
      <ErrorBox error={action.error} onDismiss={action.clear} />
    </section>
  );
}
