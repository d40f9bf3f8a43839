// What request handlers share: the logs, the group coordinator, the append feed and the identity this
// single-node cluster advertises.
import { EventEmitter } from 'node:events';
import type { GroupCoordinator } from './groups/coordinator';
import type { TopicStore } from './log/topic-store';

export interface BrokerLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface BrokerCore {
  nodeId: number;
  clusterId: string;
  /** The address clients are told to connect to (the bound one, never "localhost"). */
  advertisedHost: string;
  advertisedPort: number;
  defaultPartitions: number;
  autoCreateTopics: boolean;
  store: TopicStore;
  groups: GroupCoordinator;
  appends: AppendFeed;
  logger: BrokerLogger;
}

/** Raised after each batch reaches a log; wakes long-polling fetches and feeds onAppend listeners. */
export class AppendFeed extends EventEmitter<{ batch: [topic: string, partition: number, batch: Buffer] }> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
}
