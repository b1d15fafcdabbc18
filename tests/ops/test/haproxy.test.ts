// The balancer's configuration (deploy/haproxy/haproxy.cfg) is one HAProxy accepts: checked by the
// HAProxy the test preflight installs (Debian's package, the same 2.6 series as compose's image).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

it('haproxy -c accepts the compose balancer configuration', async () => {
  const { stdout } = await promisify(execFile)(process.env['HAPROXY_PATH'] ?? '/usr/sbin/haproxy', [
    '-c',
    '-f',
    join(ROOT, 'deploy/haproxy/haproxy.cfg'),
  ]);
  expect(stdout).toContain('Configuration file is valid');
});
