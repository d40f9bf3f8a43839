// Topics: every topic with partitions, watermarks and each consuming group's lag per partition (live, from the
// lag samples pushed every second), the consumer groups reading it with lag as a trend, and the message browser.
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { GroupInfo, LagSample, TopicInfo } from '../api/types';
import { Empty, ErrorBox, Sparkline } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { RecordBrowser } from './RecordBrowser';

function total(topic: TopicInfo): number {
  return topic.partitions.reduce((sum, p) => sum + (p.highWatermark - p.lowWatermark), 0);
}

/** A group's lag on one partition, or undefined when it has committed nothing there yet. */
function partitionLag(group: GroupInfo, topic: string, partition: number): number | undefined {
  return group.partitions.find((p) => p.topic === topic && p.partition === partition)?.lag;
}

export function TopicsView() {
  const topics = useAsync(api.topics);
  const [groups, setGroups] = useState<GroupInfo[]>([]);
  const [history, setHistory] = useState<LagSample[]>([]);
  const [rates, setRates] = useState<Record<string, number>>({});
  const [selected, setSelected] = useState<string | null>(() =>
    new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('topic'),
  );
  const [groupsError, setGroupsError] = useState<string | null>(null);

  useEffect(() => {
    api.groups().then(
      (r) => {
        setGroups(r.groups);
        setHistory(r.history);
      },
      (e: unknown) => setGroupsError(e instanceof Error ? e.message : String(e)),
    );
  }, []);
  useLive((m) => {
    if (m.type === 'rates') {
      setRates(m.rates);
      if (Object.keys(m.rates).length > 0) topics.reload();
    } else if (m.type === 'lag') {
      setGroups(m.groups);
      setHistory((h) => [...h.slice(-149), m.sample]);
    }
  });

  const list = topics.data?.topics ?? [];
  const current = list.find((t) => t.name === selected) ?? list[0] ?? null;
  const choose = (name: string) => {
    setSelected(name);
    window.history.replaceState(null, '', `#/topics?topic=${encodeURIComponent(name)}`);
  };
  const consuming = current ? groups.filter((g) => g.partitions.some((p) => p.topic === current.name)) : [];

  return (
    <div className="view topics" data-testid="topics">
      <h1>Topics</h1>
      <ErrorBox error={topics.error} />
      {list.length === 0 && !topics.loading && !topics.error && (
        <Empty title="No topics yet">
          Topics appear when the services start and create them. Start the appliance, or produce a record.
        </Empty>
      )}
      <div className="split" hidden={list.length === 0}>
        <aside className="card topic-list">
          {list.map((t) => (
            <button
              key={t.name}
              className={`topic-item ${current?.name === t.name ? 'active' : ''}`}
              onClick={() => choose(t.name)}
              data-topic={t.name}
            >
              <span className="topic-name">{t.name}</span>
              <span className="muted small">
                {t.partitions.length} partitions · {total(t)} records{rates[t.name] ? ` · ${rates[t.name]}/s` : ''}
              </span>
            </button>
          ))}
        </aside>
        {current && (
          <div className="topic-detail">
            <section className="card">
              <h2>{current.name}</h2>
              <div className="row wrap">
                <table className="grid compact">
                  <thead>
                    <tr>
                      <th>partition</th>
                      <th>low</th>
                      <th>high watermark</th>
                      {consuming.map((g) => (
                        <th key={g.groupId} title={`records of this partition not yet handled by ${g.groupId}`}>
                          lag · {g.groupId}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {current.partitions.map((p) => (
                      <tr key={p.partition} data-partition={p.partition}>
                        <td className="num">{p.partition}</td>
                        <td className="num">{p.lowWatermark}</td>
                        <td className="num hw">{p.highWatermark}</td>
                        {consuming.map((g) => {
                          const lag = partitionLag(g, current.name, p.partition);
                          return (
                            <td key={g.groupId} className={`num ${lag ? 'lag warn' : ''}`} data-lag-group={g.groupId}>
                              {lag ?? '—'}
                            </td>
                          );
                        })}
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="groups">
                  <h3>Consumer groups</h3>
                  <ErrorBox error={groupsError} />
                  {consuming.length === 0 && (
                    <p className="muted small">No group has committed an offset on this topic yet.</p>
                  )}
                  {consuming.map((g) => {
                    const parts = g.partitions.filter((p) => p.topic === current.name);
                    const lag = parts.reduce((s, p) => s + p.lag, 0);
                    return (
                      <div key={g.groupId} className="group" data-group={g.groupId}>
                        <div>
                          <strong>{g.groupId}</strong>{' '}
                          <span className="muted small">
                            {g.state} · {g.members} members
                          </span>
                        </div>
                        <div className="row">
                          <span className={`lag ${lag > 0 ? 'warn' : ''}`}>lag {lag}</span>
                          <Sparkline values={history.map((h) => h.lag[g.groupId] ?? 0)} />
                        </div>
                        <div className="muted small">
                          {parts.map((p) => `p${p.partition}: ${p.committedOffset}/${p.highWatermark}`).join('  ')}
                        </div>
                      </div>
                    );
                  })}
                </div>
              </div>
            </section>
            <RecordBrowser key={current.name} topic={current} />
          </div>
        )}
      </div>
    </div>
  );
}
