// This broker coordinates every group (it is the only node). Groups live in memory; their committed
// offsets are durable in the OffsetStore, so after a restart members simply join again.
import { ErrorCode } from '../codec/error-codes';
import { ConsumerGroup, type GroupTuning } from './group';
import type { OffsetStore } from './offset-store';

const TICK_MS = 100;

export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly offsets: OffsetStore,
    private readonly tuning: GroupTuning,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const g of this.groups.values()) g.tick(now);
    }, TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  getOrCreate(groupId: string): ConsumerGroup {
    let g = this.groups.get(groupId);
    if (!g) {
      g = new ConsumerGroup(groupId, this.tuning);
      this.groups.set(groupId, g);
    }
    return g;
  }

  /** Groups with members or with committed offsets. */
  groupIds(): string[] {
    const ids = new Set(this.offsets.groupIds());
    for (const [id, g] of this.groups) if (g.members.size > 0 || g.state !== 'Empty') ids.add(id);
    return [...ids].sort();
  }

  delete(groupId: string): number {
    const g = this.groups.get(groupId);
    if (g && g.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
    const hasOffsets = this.offsets.entries(groupId).length > 0;
    if (!g && !hasOffsets) return ErrorCode.GROUP_ID_NOT_FOUND;
    this.groups.delete(groupId);
    if (hasOffsets) this.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }
}
