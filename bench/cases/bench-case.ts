// What every bench case is: a name, a run on a fresh appliance, and figures that print as a table and go into
// the JSON output unchanged.
import type { ApplianceSource } from '../support/appliance-source';
import type { Progress } from '../support/progress';

export interface CaseOptions {
  /** A short, small run (CI): proves the case works, its figures mean little. */
  quick: boolean;
  gateways: number;
  /** Load generator processes for the message cases. */
  generators: number;
  progress: Progress;
  /** The appliance a case measures: acquire, then release when done. */
  appliances: ApplianceSource;
}

export interface CaseResult {
  name: string;
  /** One line: what was measured, with its parameters. */
  title: string;
  /** The figures, as written to the JSON output. */
  figures: unknown;
  /** The readable tables. */
  tables: string[];
  /** What a reader must know to trust the figures (generator limits, lost messages, ...). */
  notes: string[];
}

export interface BenchCase {
  name: string;
  description: string;
  run(options: CaseOptions): Promise<CaseResult>;
}
