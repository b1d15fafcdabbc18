import { nicknameOf, sleep, type EventFlow } from './event-flow.js';

export interface DriveOptions {
  memberIds: string[];
  changesPerMember: number;
  /** Changes started per second across all members (paced, so faults land mid-stream). */
  ratePerSecond: number;
}

/**
 * Changes nicknames through the members API, one sequence per member, all members at once.
 * Records every acknowledged change: these are what must all appear in the history, once.
 */
export class ChangeDriver {
  acknowledged = 0;
  failedAttempts = 0;
  /** memberId -> nicknames acknowledged, in order. */
  readonly acknowledgedByMember = new Map<string, string[]>();
  readonly done: Promise<void>;
  private readonly waiters: { count: number; resolve: () => void }[] = [];
  private issued = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly flow: EventFlow,
    private readonly options: DriveOptions,
  ) {
    this.done = Promise.all(options.memberIds.map((id, index) => this.runMember(id, index))).then(() => undefined);
  }

  /** Resolves once `count` changes were acknowledged. */
  reached(count: number): Promise<void> {
    if (this.acknowledged >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  get total(): number {
    return this.options.memberIds.length * this.options.changesPerMember;
  }

  private async pace(): Promise<void> {
    const due = this.startedAt + (this.issued * 1000) / this.options.ratePerSecond;
    this.issued += 1;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
  }

  private async runMember(memberId: string, memberIndex: number): Promise<void> {
    const acknowledged: string[] = [];
    this.acknowledgedByMember.set(memberId, acknowledged);
    for (let change = 1; change <= this.options.changesPerMember; change += 1) {
      await this.pace();
      const nickname = nicknameOf(memberIndex, change);
      for (let attempt = 1; ; attempt += 1) {
        if (await this.flow.changeNickname(memberId, nickname)) break;
        this.failedAttempts += 1;
        if (attempt >= 50) throw new Error(`change ${nickname} kept failing`);
        await sleep(20);
      }
      acknowledged.push(nickname);
      this.acknowledged += 1;
      for (const waiter of this.waiters.filter((w) => w.count <= this.acknowledged)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  }
}
