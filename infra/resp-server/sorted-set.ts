// A Redis sorted set: members ordered by (score, member bytes), with score lookup by member.

export interface ScoredMember {
  member: string;
  score: number;
}

/** One end of a score range; `exclusive` comes from Redis's "(" prefix. */
export interface ScoreBound {
  value: number;
  exclusive: boolean;
}

export type ScoreUpdate = 'added' | 'updated' | 'unchanged';

function compare(a: ScoredMember, score: number, member: string): number {
  if (a.score !== score) return a.score < score ? -1 : 1;
  if (a.member === member) return 0;
  return a.member < member ? -1 : 1;
}

export class SortedSet {
  private readonly scores = new Map<string, number>();
  /** Kept sorted; binary search keeps inserts and range lookups cheap at the sizes presence data reaches. */
  private readonly ordered: ScoredMember[] = [];

  get size(): number {
    return this.ordered.length;
  }

  score(member: string): number | undefined {
    return this.scores.get(member);
  }

  set(member: string, score: number): ScoreUpdate {
    const previous = this.scores.get(member);
    if (previous === score) return 'unchanged';
    if (previous !== undefined) this.ordered.splice(this.lowerBound(previous, member), 1);
    this.scores.set(member, score);
    this.ordered.splice(this.lowerBound(score, member), 0, { member, score });
    return previous === undefined ? 'added' : 'updated';
  }

  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.ordered.splice(this.lowerBound(score, member), 1);
    this.scores.delete(member);
    return true;
  }

  /** Members at ranks start..stop inclusive, already clamped by the caller. */
  slice(start: number, stopExclusive: number): ScoredMember[] {
    return this.ordered.slice(start, stopExclusive);
  }

  /** Rank range [from, to) of the members whose score lies between min and max. */
  scoreRange(min: ScoreBound, max: ScoreBound): { from: number; to: number } {
    const from = this.firstRankWhere((entry) => (min.exclusive ? entry.score > min.value : entry.score >= min.value));
    const to = this.firstRankWhere((entry) => (max.exclusive ? entry.score >= max.value : entry.score > max.value));
    return { from, to: Math.max(from, to) };
  }

  removeRanks(from: number, to: number): number {
    const removed = this.ordered.splice(from, to - from);
    for (const entry of removed) this.scores.delete(entry.member);
    return removed.length;
  }

  private lowerBound(score: number, member: string): number {
    return this.firstRankWhere((entry) => compare(entry, score, member) >= 0);
  }

  /** First rank whose entry satisfies a predicate that is monotone over the order. */
  private firstRankWhere(predicate: (entry: ScoredMember) => boolean): number {
    let low = 0;
    let high = this.ordered.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const entry = this.ordered[mid];
      if (entry !== undefined && predicate(entry)) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
