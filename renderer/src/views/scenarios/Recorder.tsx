// Record a session of hand-driven simulated clients as a scenario: Record, drive the clients (Clients view) and
// the chaos controls (Overview), Stop; the recording opens in the editor and can be downloaded. The same control,
// small, stays in the sidebar while recording (RecordingBadge), so Stop is at hand in any view.
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import type { Recording, RecordingStatus } from '../../api/types';
import { Badge, duration } from '../../components/common';
import { useAction, useLive, useNow } from '../../hooks';

/** The recorder's state as the appliance pushes it (counts while recording, the last recording once stopped). */
export function useRecording(): RecordingStatus | null {
  const [status, setStatus] = useState<RecordingStatus | null>(null);
  useEffect(() => {
    api.recording().then(setStatus, () => undefined);
  }, []);
  useLive((message) => {
    if (message.type === 'recording') setStatus(message.status);
  });
  return status;
}

export function download(recording: Recording): void {
  const url = URL.createObjectURL(new Blob([recording.text], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = recording.file;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function Counts({ status }: { status: RecordingStatus }) {
  const now = useNow(1000);
  return (
    <span data-testid="recording-counts">
      {duration(now - (status.startedAtMs ?? now))}: {status.actions} action{status.actions === 1 ? '' : 's'},{' '}
      {status.frames} frame{status.frames === 1 ? '' : 's'} received, {status.users} client
      {status.users === 1 ? '' : 's'}
      {status.truncated && ' (size bound reached: no more is kept)'}
    </span>
  );
}

export function Recorder({ onOpen }: { onOpen: (recording: Recording) => void }) {
  const status = useRecording();
  const action = useAction();
  const stop = () =>
    action.run(async () => {
      onOpen(await api.stopRecording());
    });
  return (
    <div className="card recorder" data-testid="recorder" data-recording={status?.recording ? 'true' : 'false'}>
      <header className="row wrap">
        <h2>Record</h2>
        {status?.recording ? (
          <>
            <Badge tone="bad">● recording</Badge>
            {status && <Counts status={status} />}
            <span className="spacer" />
            <button className="primary" onClick={stop} disabled={action.busy} data-action="record-stop">
              Stop
            </button>
          </>
        ) : (
          <>
            <span className="muted small">
              Drive simulated clients by hand (Clients view, chaos in the Overview); Stop makes a scenario of what they
              did and received.
            </span>
            <span className="spacer" />
            <button
              onClick={() => action.run(() => api.startRecording())}
              disabled={action.busy || !status}
              data-action="record-start"
            >
              Record
            </button>
          </>
        )}
      </header>
      {status?.last && !status.recording && (
        <div className="row wrap small" data-testid="recording-last">
          <span>
            Last recording: <code>{status.last.file}</code>, {status.last.steps} steps
          </span>
          <button
            className="link"
            onClick={() => action.run(async () => onOpen(await api.lastRecording()))}
            data-action="record-open"
          >
            Open in editor
          </button>
          <button
            className="link"
            onClick={() => action.run(async () => download(await api.lastRecording()))}
            data-action="record-download"
          >
            Download
          </button>
        </div>
      )}
      {action.error && <div className="error-text small">{action.error}</div>}
    </div>
  );
}

/** While recording: what is being recorded and Stop, in the sidebar of every view. */
export function RecordingBadge({ onStopped }: { onStopped: () => void }) {
  const status = useRecording();
  const action = useAction();
  if (!status?.recording) return null;
  return (
    <div className="recording-badge small" data-testid="recording-badge">
      <span>● recording</span>
      <span className="muted">{status.actions} actions</span>
      <button
        className="link"
        onClick={() => action.run(() => api.stopRecording().then(onStopped))}
        disabled={action.busy}
        data-action="record-stop-badge"
      >
        Stop
      </button>
    </div>
  );
}
