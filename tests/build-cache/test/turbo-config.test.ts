// The turbo configuration itself, and the kinds of input turbo-inputs.test.ts does not edit.
//
// Why the inputs are `$TURBO_DEFAULT$` (every file of the workspace git tracks, or could track)
// minus what a task provably never reads (docs; tests and benchmarks for generate and build),
// plus the root files the tasks read (`$TURBO_ROOT$/scripts/generate-resolver-types.mjs`, and
// tsconfig.base.json as a global dependency): a list of what tasks DO read went stale the day a
// config file, a script or a bench folder was added, and a stale input replays a stale result.
// A file too many costs one cache miss; a file too few costs a wrong green build.
//
// Checked here:
// - every task turbo.json defines is a script of some workspace, and every file it names literally
//   exists (a `lint` task no package defined and a `prisma.config.ts` input once sat there);
// - files created, not only edited, re-run the tasks that read them (turbo hashes untracked files);
// - tsconfig.base.json reaches every build and typecheck;
// - a test task is either uncached or hashes jest.preset.js: the tests also read root files
//   (jest.preset.js, Dockerfile, docker-compose.yml) that no workspace's inputs name.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TURBO = join(REPO_ROOT, 'node_modules', '.bin', 'turbo');
const NO_SCRIPT = '<NONEXISTENT>';

interface DryTask {
  taskId: string;
  task: string;
  hash: string;
  command: string;
  directory: string;
  resolvedTaskDefinition: { inputs: string[]; cache: boolean };
}

interface TurboConfig {
  globalDependencies?: string[];
  tasks: Record<string, unknown>;
}

function dryRun(cwd: string, tasks: string[]): DryTask[] {
  const output = execFileSync(TURBO, ['run', ...tasks, '--dry=json'], {
    cwd,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return (JSON.parse(output) as { tasks: DryTask[] }).tasks;
}

const isLiteralPath = (input: string) => !input.startsWith('!') && !input.startsWith('$TURBO_DEFAULT$') && !/[*?[\]{}]/.test(input);

describe('turbo.json', () => {
  const configFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'turbo.json', '**/turbo.json'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  const configs = configFiles.map((file) => [file, JSON.parse(readFileSync(join(REPO_ROOT, file), 'utf8')) as TurboConfig] as const);
  const taskKeys = [...new Set(configs.flatMap(([, config]) => Object.keys(config.tasks)))];
  const taskNames = [...new Set(taskKeys.map((key) => key.split('#').pop()!))];
  let tasks: DryTask[];

  beforeAll(() => {
    tasks = dryRun(REPO_ROOT, taskNames);
  });

  it('defines only tasks some workspace has a script for', () => {
    const hasScript = (task: DryTask) => task.command !== NO_SCRIPT;
    const withoutScript = taskKeys.filter((key) =>
      key.includes('#')
        ? !tasks.some((task) => task.taskId === key && hasScript(task))
        : !tasks.some((task) => task.task === key && hasScript(task)),
    );
    expect(withoutScript).toEqual([]);
  });

  it('names only input files that exist', () => {
    const missing: string[] = [];
    for (const name of taskNames) {
      const instances = tasks.filter((task) => task.task === name && task.command !== NO_SCRIPT);
      const literals = new Set(instances.flatMap((task) => task.resolvedTaskDefinition.inputs.filter(isLiteralPath)));
      for (const input of literals) {
        const somewhere = instances.some(
          (task) => task.resolvedTaskDefinition.inputs.includes(input) && existsSync(join(REPO_ROOT, task.directory, input)),
        );
        if (!somewhere) missing.push(`${name}: ${input}`);
      }
    }
    for (const [file, config] of configs) {
      for (const dependency of (config.globalDependencies ?? []).filter(isLiteralPath)) {
        if (!existsSync(join(REPO_ROOT, dirname(file), dependency))) missing.push(`${file} globalDependencies: ${dependency}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('in a scratch clone', () => {
  const TASKS = ['generate', 'build', 'typecheck', 'test'];
  let clone: string;
  let baseline: DryTask[];

  const hashes = () => new Map(dryRun(clone, TASKS).map((task) => [task.taskId, task.hash]));

  /** Task ids whose hash differs from the baseline after `edit`; the clone is restored after. */
  function changedBy(edit: () => void): string[] {
    edit();
    try {
      const before = new Map(baseline.map((task) => [task.taskId, task.hash]));
      return [...hashes()].filter(([task, hash]) => before.get(task) !== hash).map(([task]) => task);
    } finally {
      execFileSync('git', ['checkout', '--', '.'], { cwd: clone });
      execFileSync('git', ['clean', '-fdq'], { cwd: clone });
    }
  }

  const create = (path: string, text: string) => () => {
    mkdirSync(dirname(join(clone, path)), { recursive: true });
    writeFileSync(join(clone, path), text);
  };
  const appendTo = (path: string, text: string) => () => appendFileSync(join(clone, path), text);
  const withScript = (name: string) =>
    baseline.filter((task) => task.task === name && task.command !== NO_SCRIPT).map((task) => task.taskId);

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'turbo-config-'));
    execFileSync('git', ['clone', '--quiet', REPO_ROOT, clone]);
    baseline = dryRun(clone, TASKS);
  });
  afterAll(() => {
    rmSync(clone, { recursive: true, force: true });
  });

  it.each<[string, string, string, string[], string[]]>([
    [
      'a new benchmark',
      'gateway/bench/new-bench.ts',
      'export const wrong: number = "text";\n',
      ['@mp/gateway#typecheck'],
      ['@mp/gateway#build', '@mp/gateway#generate'],
    ],
    [
      'a new test',
      'subgraphs/members/test/new.test.ts',
      'export {};\n',
      ['@mp/members#typecheck'],
      ['@mp/members#build', '@mp/members#generate'],
    ],
    [
      'a new migration',
      'prisma/members/migrations/29991231000000_added/migration.sql',
      'SELECT 1;\n',
      ['@mp/prisma#build', '@mp/members#build'],
      [],
    ],
    ['a new GraphiQL module', 'packages/graphiql/src/added.ts', 'export {};\n', ['@mp/graphiql#build', '@mp/gateway#build'], []],
    [
      'a new operation in the example client',
      'examples/typed-client/src/added-query.ts',
      'export const added = /* GraphQL */ `query Added { __typename }`;\n',
      ['@mp/typed-client-example#generate', '@mp/typed-client-example#typecheck'],
      [],
    ],
  ])('%s re-runs the tasks that read it', (_kind, path, text, rerun, cached) => {
    const changed = changedBy(create(path, text));
    expect(changed).toEqual(expect.arrayContaining(rerun));
    for (const task of cached) expect(changed).not.toContain(task);
  });

  it('tsconfig.base.json re-runs every build and typecheck', () => {
    const changed = changedBy(appendTo('tsconfig.base.json', '\n'));
    const expected = [...withScript('build'), ...withScript('typecheck')];
    expect(expected.length).toBeGreaterThan(10);
    expect(changed).toEqual(expect.arrayContaining(expected));
  });

  it('a test task is uncached, or jest.preset.js is one of its inputs', () => {
    const changed = changedBy(appendTo('jest.preset.js', '\n// edited\n'));
    const cachedBlind = baseline.filter(
      (task) => task.task === 'test' && task.command !== NO_SCRIPT && task.resolvedTaskDefinition.cache && !changed.includes(task.taskId),
    );
    expect(withScript('test').length).toBeGreaterThan(5);
    expect(cachedBlind.map((task) => task.taskId)).toEqual([]);
  });
});
