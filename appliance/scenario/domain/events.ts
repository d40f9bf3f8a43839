// What a run reports as it goes: the CLI prints these, the console streams them, reports are built from them.
import type { RunEvent, StepEvent, StepStatus } from '../../api/contract';
export type { RunEvent, StepEvent, StepStatus };

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
