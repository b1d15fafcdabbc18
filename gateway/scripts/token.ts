// Prints a bearer token from the development issuer (the one `npm start` trusts without AUTH_*):
//   npm run token -- --sub alice [--scope "members:read members:admin"] [--ttl 3600] [--keys-dir DIR]
// The key folder defaults to AUTH_DEV_KEYS_DIR or .data/dev-issuer, as the gateway's does.
import { parseArgs } from 'node:util';
import { openDevIssuer } from '../src/auth/dev-issuer.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    scope: { type: 'string', default: '' },
    ttl: { type: 'string', default: '3600' },
    'keys-dir': { type: 'string', default: process.env['AUTH_DEV_KEYS_DIR'] ?? '.data/dev-issuer' },
  },
});
const ttl = Number(values.ttl);
if (!values.sub || !Number.isInteger(ttl) || ttl <= 0) {
  console.error('usage: npm run token -- --sub <subject> [--scope "members:read members:admin"] [--ttl <seconds>]');
  process.exit(2);
}
const issuer = await openDevIssuer(values['keys-dir']);
console.log(await issuer.mint(values.sub, values.scope.split(' ').filter(Boolean), ttl));
