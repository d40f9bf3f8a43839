// What a run reports as it goes: the CLI prints these, the console streams them, reports are built from them.

export type StepStatus = 'running' | 'passed' | 'failed' | 'skipped';

export interface StepEvent {
  type: 'step';
  /** Position in the file's step tree: "3", or "4.2.1" for the first step of repeat 4's second round. */
  id: string;
  line: number;
  label: string;
  kind: string;
  /** The actors (as the file names them) the step acts on or checks. */
  actors: string[];
  status: StepStatus;
  startedAtMs: number;
  durationMs?: number;
  /** What happened, for a step that passed ("acked seq 3"). */
  detail?: string;
  /** For a failure: who, what was expected, what was seen. */
  failure?: { actor?: string; expected: string; seen: string };
  /** Traces the step started or observed, to open in the Flows view. */
  traceIds?: string[];
}

export type RunEvent =
  | { type: 'run-start'; scenario: string; file: string; columns: string[]; atMs: number }
  | StepEvent
  | { type: 'run-end'; ok: boolean; durationMs: number; passed: number; failed: number; skipped: number };

export type RunListener = (event: RunEvent) => void;

/** Thrown by a step that did not hold; the runner turns it into the step's failure. */
export class StepFailure extends Error {
  override name = 'StepFailure';
  constructor(
    readonly expected: string,
    readonly seen: string,
    readonly actor?: string,
  ) {
    super(`${actor ? `${actor}: ` : ''}expected ${expected}; seen ${seen}`);
  }
}
