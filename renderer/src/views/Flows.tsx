// Flows: every trace the appliance followed, and the selected one drawn live as a sequence diagram and a
// waterfall. Opened with #/flows?trace=<id> or #/flows?message=<message id> (from a record or a chat message).
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { FlowTrace, FlowTraceSummary } from '../api/types';
import { Empty, ErrorBox } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { FlowDetail } from './flows/FlowDetail';
import { FlowList, withSpan } from './flows/FlowList';
import { HopPanel } from './flows/HopPanel';
import { TracingOff } from './flows/TracingOff';
import './flows/flows.css';

function linkParams(): { trace: string | null; message: string | null } {
  const params = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  return { trace: params.get('trace'), message: params.get('message') };
}

/** A missing hop shows once its record went unconsumed for 5 s (the API's rule): look again just after that. */
const MISSING_SETTLES_MS = 5_500;

export function FlowsView() {
  const list = useAsync(api.flows);
  const [traces, setTraces] = useState<FlowTraceSummary[]>([]);
  const [selected, setSelected] = useState<string | null>(linkParams().trace);
  const [trace, setTrace] = useState<FlowTrace | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  // The clicked hop, by its place in the flow (the flow is redrawn as spans arrive): its panel replaces the list.
  const [hopSeq, setHopSeq] = useState<number | null>(null);
  // A flow opened by a link is drawn even with tracing off (under the notice): someone asked for that one.
  const [showUntraced, setShowUntraced] = useState(() => Object.values(linkParams()).some((v) => v !== null));
  // For demos: jump to each new flow as it starts, so the room sees it drawn live.
  const [followNewest, setFollowNewest] = useState(false);
  const refetch = useRef<{ flow?: ReturnType<typeof setTimeout>; list?: ReturnType<typeof setTimeout> }>({});

  // A fresh list replaces the one the live feed built up; set while rendering, so no render shows the stale one.
  const [listed, setListed] = useState(list.data);
  if (list.data !== listed) {
    setListed(list.data);
    if (list.data) setTraces(list.data.traces);
  }
  const tracing = list.data?.tracing ?? true;

  // Opened from a chat message: find the flow that carried it; follow later links while the view is open.
  useEffect(() => {
    const follow = () => {
      const { trace: linked, message } = linkParams();
      if (linked || message) setShowUntraced(true);
      if (linked) setSelected(linked);
      else if (message)
        api.flowsOfMessage(message).then(
          ({ traces: found }) => {
            if (found[0]) choose(found[0].traceId);
            else setError(`no flow carried message ${message} (only the last 300 flows are kept)`);
          },
          (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
        );
    };
    follow();
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  useEffect(() => {
    if (!selected) return;
    let live = true;
    api.flow(selected).then(
      (t) => {
        if (!live) return;
        setTrace(t);
        setError(null);
        const settles = t.lastAtMs + MISSING_SETTLES_MS - Date.now();
        clearTimeout(refetch.current.flow);
        if (settles > 0) refetch.current.flow = setTimeout(() => setVersion((v) => v + 1), settles);
      },
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [selected, version]);
  useEffect(() => {
    const timers = refetch.current;
    return () => {
      clearTimeout(timers.flow);
      clearTimeout(timers.list);
    };
  }, []);

  useLive((m) => {
    if (m.type === 'flow') {
      // Spans reported by the services (tracing on) arrive in batches: redraw once a batch has settled.
      if (m.traceId === selected || m.traceId === trace?.traceId) {
        clearTimeout(refetch.current.flow);
        refetch.current.flow = setTimeout(() => setVersion((v) => v + 1), 250);
      }
      if (!refetch.current.list)
        refetch.current.list = setTimeout(() => {
          refetch.current.list = undefined;
          list.reload();
        }, 1000);
      return;
    }
    if (m.type !== 'span') return;
    const span = m.span;
    if (followNewest && span.seq === 0 && span.traceId !== selected) choose(span.traceId);
    setTraces((existing) => withSpan(existing, span));
    setTrace((current) => {
      if (!current || current.traceId !== span.traceId || current.spans.some((s) => s.seq === span.seq)) return current;
      const participants = [...current.participants];
      for (const p of [span.from, span.to]) if (!participants.includes(p)) participants.push(p);
      return { ...current, participants, spans: [...current.spans, span], lastAtMs: span.atMs };
    });
  });

  function choose(traceId: string) {
    setHopSeq(null);
    setSelected(traceId);
    window.history.replaceState(null, '', `#/flows?trace=${traceId}`);
  }
  const isSelected = (t: FlowTraceSummary) => t.traceId === selected || t.traceId === trace?.traceId;
  const hidden = !tracing && !showUntraced;
  const hop = (trace && hopSeq !== null && trace.spans.find((s) => s.seq === hopSeq)) || null;

  return (
    <div className="view" data-testid="flows" data-tracing={list.data ? String(tracing) : undefined}>
      <h1>Flows</h1>
      <ErrorBox error={list.error} />
      {!tracing && <TracingOff showing={showUntraced} onShow={() => setShowUntraced(true)} />}
      {!hidden && (
        <div className={`split ${hop ? 'with-hop' : ''}`}>
          {trace && hop && <HopPanel traceId={trace.traceId} span={hop} onClose={() => setHopSeq(null)} />}
          <FlowList
            traces={traces}
            hidden={hop !== null}
            isSelected={isSelected}
            onChoose={choose}
            followNewest={followNewest}
            onFollowNewest={setFollowNewest}
          />
          <section className="card diagram">
            <ErrorBox error={error} />
            {!trace && !error && (
              <Empty title="Pick a flow">
                Its hops are drawn as a sequence diagram and a waterfall, and keep growing while the flow goes on.
              </Empty>
            )}
            {trace && (
              <FlowDetail
                key={trace.traceId}
                trace={trace}
                selectedSeq={hopSeq}
                onSelect={(span) => setHopSeq(span.seq)}
              />
            )}
          </section>
        </div>
      )}
    </div>
  );
}
