// Benchmark: delay from a committed nickname change (the mutation's response) to its entry being
// visible in nickname-history's database, for 100 changes, on real PostgreSQL and on PGlite.
// Run: npm run bench:history-delay   (prints figures; asserts nothing)
import { TestSystem, type DatabaseKind } from '../test/support/system.js';
import { CHANGE_NICKNAME, CREATE_MEMBER, signUpInput, type CreateMemberData } from '../test/support/operations.js';

const CHANGES = 100;
const MEMBERS = 10;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function measure(kind: DatabaseKind): Promise<number[]> {
  const system = await TestSystem.start(kind);
  try {
    const ids: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const { data } = await system.query<CreateMemberData>(CREATE_MEMBER, { input: signUpInput(`b${kind[0]}`) });
      ids.push(data!.createMember.member!.id);
    }
    await system.drained();
    const delays: number[] = [];
    for (let i = 0; i < CHANGES; i += 1) {
      const memberId = ids[i % MEMBERS]!;
      const version = Math.floor(i / MEMBERS) + 2;
      await system.query(CHANGE_NICKNAME, { input: { memberId, nickname: `d${kind[0]}${i}` } });
      const committed = performance.now();
      while (!(await system.history.client.nicknameChange.findUnique({ where: { memberId_version: { memberId, version } } }))) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      delays.push(performance.now() - committed);
    }
    return delays.sort((a, b) => a - b);
  } finally {
    await system.close();
  }
}

const rows: Record<string, Record<string, string>> = {};
for (const kind of ['postgres', 'embedded'] as const) {
  const delays = await measure(kind);
  rows[kind] = {
    changes: String(delays.length),
    'median ms': percentile(delays, 50).toFixed(1),
    'p90 ms': percentile(delays, 90).toFixed(1),
    'worst ms': delays.at(-1)!.toFixed(1),
  };
}
console.log('Delay from committed nickname change to visible history entry (relay woken in-process):');
console.table(rows);
