// `turbo run build` with one line per task it actually runs, instead of half a minute of silence.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const TASK_LINE = /^(@?[\w./-]+):(\w[\w-]*): (.*)$/;

/** Resolves true when the build succeeded; on failure prints the failing tasks' output. */
export async function buildWithProgress(root) {
  const startedAt = performance.now();
  process.stdout.write('Building (Prisma clients, resolver types, supergraph, TypeScript, GraphiQL)...\n');
  const turbo = spawn(join(root, 'node_modules', '.bin', 'turbo'), ['run', 'build', '--output-logs=full', '--log-order=stream'], {
    cwd: root,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const outputByTask = new Map();
  const other = [];
  let ran = 0;
  let cached = 0;
  const onLine = (line) => {
    const match = TASK_LINE.exec(line);
    if (!match) {
      other.push(line);
      return;
    }
    const [, workspace, task, text] = match;
    const key = `${workspace} ${task}`;
    if (!outputByTask.has(key)) outputByTask.set(key, []);
    outputByTask.get(key).push(text);
    if (text.startsWith('cache miss')) {
      ran += 1;
      process.stdout.write(`  ${String(Math.round((performance.now() - startedAt) / 1000)).padStart(3)} s  ${task} ${workspace}\n`);
    } else if (text.startsWith('cache hit')) {
      cached += 1;
    }
  };
  createInterface({ input: turbo.stdout }).on('line', onLine);
  createInterface({ input: turbo.stderr }).on('line', onLine);
  const code = await new Promise((resolve) => turbo.once('close', resolve));
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  if (code === 0) {
    process.stdout.write(`Built in ${seconds} s (${ran} task${ran === 1 ? '' : 's'} run, ${cached} from cache)\n`);
    return true;
  }
  for (const [key, lines] of outputByTask) {
    if (!lines.some((line) => /ERROR|error/.test(line))) continue;
    process.stderr.write(`\n--- ${key} ---\n${lines.join('\n')}\n`);
  }
  process.stderr.write(`${other.filter((line) => line.trim()).join('\n')}\nBuild failed (turbo exit code ${code}).\n`);
  return false;
}
