// Each kind of file a task reads, edited in a scratch clone: the task's hash must change (so
// turbo runs it instead of replaying a cached result), and files no task reads must not
// change any hash. `turbo run --dry=json` computes the hashes without running anything.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TURBO = join(REPO_ROOT, 'node_modules', '.bin', 'turbo');
const TASKS = ['generate', 'build', 'typecheck'];

let clone: string;

function taskHashes(): Map<string, string> {
  const output = execFileSync(TURBO, ['run', ...TASKS, '--dry=json'], {
    cwd: clone,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const { tasks } = JSON.parse(output) as { tasks: { taskId: string; hash: string }[] };
  return new Map(tasks.map((task) => [task.taskId, task.hash]));
}

let baseline: Map<string, string>;

/** Task ids whose hash differs from the baseline after `edit`; the clone is restored after. */
function changedBy(edit: () => void): string[] {
  edit();
  try {
    const after = taskHashes();
    return [...after].filter(([task, hash]) => baseline.get(task) !== hash).map(([task]) => task);
  } finally {
    execFileSync('git', ['checkout', '--', '.'], { cwd: clone });
  }
}

const appendTo = (path: string, text: string) => () => appendFileSync(join(clone, path), text);

beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'turbo-inputs-'));
  execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
  baseline = taskHashes();
});
afterAll(() => {
  rmSync(clone, { recursive: true, force: true });
});

describe('every kind of input re-runs the tasks that read it', () => {
  const firstMigration = () => {
    const dir = join('prisma', 'members', 'migrations');
    const name = readdirSync(join(clone, dir), { withFileTypes: true }).find((entry) => entry.isDirectory())!.name;
    return join(dir, name, 'migration.sql');
  };

  it.each<[string, () => () => void, string[]]>([
    [
      "a subgraph's codegen config",
      () => appendTo('subgraphs/members/codegen.config.js', '\n// edited\n'),
      ['@mp/members#generate', '@mp/members#build', '@mp/members#typecheck'],
    ],
    [
      'the shared resolver-types generator (outside any workspace)',
      () => appendTo('scripts/generate-resolver-types.mjs', '\n// edited\n'),
      ['@mp/members#generate', '@mp/nickname-history#generate'],
    ],
    [
      'a subgraph schema',
      () => appendTo('subgraphs/members/schema.graphql', '\n# edited\n'),
      ['@mp/members#generate', '@mp/gateway#generate', '@mp/typed-client-example#generate'],
    ],
    [
      'a resolver',
      () => appendTo('subgraphs/nickname-history/src/resolvers/member.ts', '\n// edited\n'),
      ['@mp/nickname-history#build', '@mp/nickname-history#typecheck', '@mp/gateway#build'],
    ],
    ['a benchmark', () => appendTo('gateway/bench/history-delay.ts', '\n// edited\n'), ['@mp/gateway#typecheck']],
    ['a test', () => appendTo('subgraphs/nickname-history/test/history.test.ts', '\n// edited\n'), ['@mp/nickname-history#typecheck']],
    [
      'a Prisma schema',
      () => appendTo('prisma/members/schema.prisma', '\n// edited\n'),
      ['@mp/prisma#generate', '@mp/prisma#build', '@mp/members#build'],
    ],
    ['a migration', () => appendTo(firstMigration(), '\n-- edited\n'), ['@mp/prisma#build', '@mp/prisma#typecheck']],
    [
      "the Prisma package's build script",
      () => appendTo('prisma/scripts/build-pglite-template.mjs', '\n// edited\n'),
      ['@mp/prisma#build'],
    ],
    [
      'the shared TypeScript config (outside any workspace)',
      () => appendTo('tsconfig.base.json', '\n'),
      ['@mp/service-kit#build', '@mp/gateway#typecheck', '@mp/typed-client-example#typecheck'],
    ],
    [
      "GraphiQL's bundler config",
      () => appendTo('packages/graphiql/vite.config.ts', '\n// edited\n'),
      ['@mp/graphiql#build', '@mp/gateway#build'],
    ],
    [
      "the example client's codegen config",
      () => appendTo('examples/typed-client/codegen.ts', '\n// edited\n'),
      ['@mp/typed-client-example#generate', '@mp/typed-client-example#typecheck'],
    ],
    ['a TypeScript config of a workspace', () => appendTo('gateway/tsconfig.build.json', '\n'), ['@mp/gateway#build']],
  ])('%s', (_kind, edit, expected) => {
    const changed = changedBy(edit());
    expect(changed).toEqual(expect.arrayContaining(expected));
  });

  it('does not re-run what a file does not feed: a test edit leaves build and generate cached', () => {
    const changed = changedBy(appendTo('subgraphs/nickname-history/test/history.test.ts', '\n// edited\n'));
    expect(changed).not.toContain('@mp/nickname-history#build');
    expect(changed).not.toContain('@mp/nickname-history#generate');
  });

  it('changes no hash for documentation', () => {
    expect(changedBy(appendTo('prisma/README.md', '\nedited\n'))).toEqual([]);
    expect(changedBy(appendTo('README.md', '\nedited\n'))).toEqual([]);
  });
});
