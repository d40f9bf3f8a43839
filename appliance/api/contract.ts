// The JSON shapes the appliance API writes and the console (renderer/) reads, named once. Types only: the browser
// build imports this file (the one exception to "the renderer imports no appliance code"), and type exports are
// erased, so no Node code follows them into the page.
export type {
  ChaosAction,
  GroupInfo,
  InfraSummary,
  LogLevel,
  LogLine,
  PartitionInfo,
  ReportedSpan,
  ServiceHealth,
  ServiceState,
  ServiceStatus,
  TablePage,
  TopicInfo,
} from './ports';
export type { LagSample } from './live-metrics';
export type { TimelineEvent, TimelineKind } from './recovery-timeline';
export type { DecodedRecord, RecordSummary } from './record-decoder';
export type { FlowHop, FlowSpan, FlowTrace } from './flows/flow-tracker';
export type { ClientView, SimConversation, SimMessage } from './sim/views';
export type { PresenceChange } from './presence-changes';
export type { FlowRun } from './sim/seed-flows';
export type { RunEvent, StepEvent } from '../scenario/domain/events';
export type { ScenarioProblem } from '../scenario/format/model';
export type { Recording, RecordingStatus } from './sim/session-recorder';
