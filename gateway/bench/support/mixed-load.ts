// A steady mixed load through one URL: queries that need both subgraphs or only members, and
// nickname changes of many members, each member with its own token. Every request is counted as
// answered or failed (an HTTP error, a broken connection, a GraphQL error, a user error), and
// every nickname change is remembered by its nickname (unique per change) for the audit.

export const MEMBER_WITH_HISTORY = /* GraphQL */ `
  query MemberWithHistory($id: ID!) {
    member(id: $id) {
      id
      nickname
      nicknameHistory(first: 3) {
        totalCount
        edges {
          node {
            nickname
            previousNickname
          }
        }
      }
    }
  }
`;
export const ME = /* GraphQL */ `
  query Me {
    me {
      id
      nickname
      email
    }
  }
`;
export const CHANGE = /* GraphQL */ `
  mutation Change($input: ChangeNicknameInput!) {
    changeNickname(input: $input) {
      member {
        id
        nickname
      }
      previousNickname
      userErrors {
        code
        message
      }
    }
  }
`;

export interface LoadMember {
  id: string;
  /** Position in the seeding order; nicknames are built from it. */
  index: number;
  token: string;
}

export type RequestKind = 'query' | 'mutation';

export interface LoadOptions {
  url: string;
  members: LoadMember[];
  /** Requests in flight at once (one worker each). */
  concurrency: number;
  /** Share of requests that are nickname changes (0..1). */
  mutationShare: number;
  requestTimeoutMs: number;
}

interface GraphQLAnswer {
  data?: { changeNickname?: { member: { nickname: string } | null; userErrors: { code: string }[] } } | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

/** A nickname no other change uses: `m<member>x<change>` (digits and two letters no look-alike rule folds together). */
export const nicknameFor = (memberIndex: number, change: number) => `m${memberIndex}x${change}`;

export class MixedLoad {
  readonly counts: Record<RequestKind, { sent: number; failed: number }> = {
    query: { sent: 0, failed: 0 },
    mutation: { sent: 0, failed: 0 },
  };
  /** Nickname → member id: changes the client saw succeed. */
  readonly acknowledged = new Map<string, string>();
  /** Nickname → member id: changes whose answer was lost or an error (they may or may not have happened). */
  readonly unacknowledged = new Map<string, string>();
  /** The first failures, with the time they happened (ms since the load began). */
  readonly failureSamples: { atMs: number; kind: RequestKind; what: string }[] = [];
  private readonly changesOf = new Map<number, number>();
  private running = false;
  private startedAt = 0;
  private workers: Promise<void> | null = null;

  constructor(private readonly options: LoadOptions) {}

  get total() {
    return { sent: this.counts.query.sent + this.counts.mutation.sent, failed: this.counts.query.failed + this.counts.mutation.failed };
  }

  start(): void {
    this.running = true;
    this.startedAt = performance.now();
    this.workers = Promise.all(Array.from({ length: this.options.concurrency }, () => this.worker())).then(() => undefined);
  }

  /** Stops sending; resolves once every request in flight has been answered. */
  async stop(): Promise<void> {
    this.running = false;
    await this.workers;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(Math.random() * items.length)]!;
  }

  private async worker(): Promise<void> {
    const { members, mutationShare } = this.options;
    while (this.running) {
      const caller = this.pick(members);
      if (Math.random() < mutationShare) {
        const change = (this.changesOf.get(caller.index) ?? 0) + 1;
        this.changesOf.set(caller.index, change);
        const nickname = nicknameFor(caller.index, change);
        const ok = await this.send('mutation', caller.token, CHANGE, { input: { memberId: caller.id, nickname } }, (answer) => {
          const payload = answer.data?.changeNickname;
          if (!payload) return 'no payload';
          if (payload.userErrors.length > 0) return `user errors ${payload.userErrors.map((e) => e.code).join(',')}`;
          return payload.member?.nickname === nickname ? null : `nickname came back as ${payload.member?.nickname}`;
        });
        (ok ? this.acknowledged : this.unacknowledged).set(nickname, caller.id);
      } else if (Math.random() < 0.6) {
        await this.send('query', caller.token, MEMBER_WITH_HISTORY, { id: this.pick(members).id }, () => null);
      } else {
        await this.send('query', caller.token, ME, {}, () => null);
      }
    }
  }

  /** One request; `judge` names what is wrong with a well-formed answer (null: nothing). */
  private async send(
    kind: RequestKind,
    token: string,
    query: string,
    variables: Record<string, unknown>,
    judge: (answer: GraphQLAnswer) => string | null,
  ): Promise<boolean> {
    this.counts[kind].sent += 1;
    let problem: string | null;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
      });
      const text = await response.text();
      if (response.status !== 200) problem = `HTTP ${response.status} ${text.slice(0, 120)}`;
      else {
        const answer = JSON.parse(text) as GraphQLAnswer;
        problem = answer.errors?.length
          ? `errors ${answer.errors.map((e) => `${e.extensions?.code ?? ''} ${e.message}`.trim()).join('; ')}`.slice(0, 200)
          : judge(answer);
      }
    } catch (error) {
      // Not `instanceof Error`: under jest the error comes from another realm.
      const { message, cause } = error as { message?: string; cause?: { message?: string } };
      problem = `request failed: ${message ?? String(error)}${cause?.message ? ` (${cause.message})` : ''}`;
    }
    if (problem === null) return true;
    this.counts[kind].failed += 1;
    if (this.failureSamples.length < 30) this.failureSamples.push({ atMs: performance.now() - this.startedAt, kind, what: problem });
    return false;
  }
}
