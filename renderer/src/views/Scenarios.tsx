// Scenarios: open a scenario file, edit it (checked as you type, problems shown at their lines), save it, run it
// against this appliance and watch each step arrive live (ScenarioRun). A recording (Recorder) opens as an unsaved
// file: it runs as it is, and Save keeps it in the scenarios folder.
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import type { Recording, RunEvent, ScenarioCheck } from '../api/types';
import { Badge, ErrorBox } from '../components/common';
import { useAsync, useLive } from '../hooks';
import { ScenarioEditor } from './scenarios/ScenarioEditor';
import { ScenarioRun } from './scenarios/ScenarioRun';
import { Recorder } from './scenarios/Recorder';

const CHECK_AFTER_MS = 300;

export function ScenariosView() {
  const list = useAsync(api.scenarios);
  const [file, setFile] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [saved, setSaved] = useState('');
  const [check, setCheck] = useState<ScenarioCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [events, setEvents] = useState<RunEvent[]>([]);
  const [draft, setDraft] = useState<Recording | null>(null);
  const current = file ?? list.data?.scenarios[0]?.file ?? null;
  const draftFile = draft?.file ?? null;

  const openRecording = (recording: Recording) => {
    setDraft(recording);
    setFile(recording.file);
    setText(recording.text);
    setSaved('');
    setRunId(null);
    setEvents([]);
  };

  useEffect(() => {
    if (!current || current === draftFile) return;
    api.scenarioFile(current).then(
      (loaded) => {
        setText(loaded.text);
        setSaved(loaded.text);
        setRunId(null);
        setEvents([]);
      },
      (e: Error) => setError(e.message),
    );
  }, [current, draftFile]);

  // Checked on the server (the same code as `gochat scenario check`), shortly after typing stops.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!current || !text) return;
    clearTimeout(pending.current ?? undefined);
    pending.current = setTimeout(() => {
      api.checkScenario(current, text).then(setCheck, (e: Error) => setError(e.message));
    }, CHECK_AFTER_MS);
    return () => clearTimeout(pending.current ?? undefined);
  }, [current, text]);

  useLive((message) => {
    if (message.type === 'scenario' && message.runId === runId) setEvents((list) => [...list, message.event]);
  });

  const run = async () => {
    if (!current) return;
    setError(null);
    setEvents([]);
    try {
      const started = await api.runScenario(current, text);
      setRunId(started.runId);
      // Steps that ran before this view heard of the run id come from the run's record.
      const record = await api.scenarioRun(started.runId);
      setEvents((live) => (live.length >= record.events.length ? live : record.events));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const save = async () => {
    if (!current) return;
    try {
      await api.saveScenario(current, text);
      setSaved(text);
      if (current === draftFile) setDraft(null);
      list.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const end = events.find((e) => e.type === 'run-end');
  const running = runId !== null && !end;

  return (
    <div className="view" data-testid="scenarios">
      <h1>Scenarios</h1>
      <p className="muted small">
        Who does what to whom, and what each one must see (docs/scenarios.md). Files from{' '}
        {list.data?.dir ?? 'scenarios/'}; the same runs as <code>npx gochat scenario run</code>.
      </p>
      <ErrorBox error={list.error ?? error} onDismiss={() => setError(null)} />
      <Recorder onOpen={openRecording} />
      <div className="split">
        <aside className="card topic-list">
          {draft && (
            <button
              className={`topic-item ${current === draft.file ? 'active' : ''}`}
              onClick={() => {
                setFile(draft.file);
                setText(draft.text);
                setSaved('');
              }}
              data-scenario-file={draft.file}
              title={`${draft.file} (recorded, not saved)`}
            >
              <span className="topic-name">{draft.file}</span>
              <span className="muted small">recorded, not saved</span>
            </button>
          )}
          {list.data?.scenarios.map((s) => (
            <button
              key={s.file}
              className={`topic-item ${current === s.file ? 'active' : ''}`}
              onClick={() => setFile(s.file)}
              data-scenario-file={s.file}
              title={s.file}
            >
              <span className="topic-name">{s.name}</span>
              <span className="muted small">{s.file}</span>
            </button>
          ))}
        </aside>
        <section className="scenario-main">
          <div className="card">
            <header className="row">
              <h2>{current ?? 'no scenario'}</h2>
              {check &&
                (check.ok ? (
                  <Badge tone="ok">valid</Badge>
                ) : (
                  <Badge tone="bad">{check.problems.length} problem(s)</Badge>
                ))}
              {text !== saved && <Badge tone="warn">edited</Badge>}
              <span className="spacer" />
              <button onClick={save} disabled={text === saved || !check?.ok} data-action="save-scenario">
                Save
              </button>
              <button className="primary" onClick={run} disabled={!check?.ok || running} data-action="run-scenario">
                {running ? 'Running…' : 'Run'}
              </button>
            </header>
            <ScenarioEditor
              text={text}
              onChange={(edited) => {
                setText(edited);
                // An unsaved recording keeps its edits while another file is open.
                if (current === draftFile) setDraft((d) => d && { ...d, text: edited });
              }}
              problems={check?.problems ?? []}
            />
          </div>
          {runId && <ScenarioRun events={events} />}
        </section>
      </div>
    </div>
  );
}
