#!/usr/bin/env node
// `npm run seed`: signs up sample members and changes some nicknames through the running
// gateway, so GraphiQL shows something on first open. It goes through the public API, so every
// rule applies and the history arrives the way real changes do (outbox, relay). Each sample member
// is its own account (`seed-1`, ...) of the development issuer `npm start` trusts, and changes its
// own nickname. Running it again adds nothing: accounts that already have a member are left as
// they are.
import { openDevIssuer } from '@mp/gateway/dev-issuer';

const GATEWAY_URL = process.env.GATEWAY_URL ?? `http://127.0.0.1:${process.env.PORT ?? '4000'}/graphql`;
const KEYS_DIR = process.env.AUTH_DEV_KEYS_DIR ?? '.data/dev-issuer';

/** [nickname at sign-up, later nicknames..., birth date] */
const SAMPLES = [
  ['홍길동', '길동', '1990-05-17'],
  ['ada', 'Ada L.', 'countess', '1985-12-10'],
  ['grace', 'Amazing G', '1906-12-09'],
  ['linus', '1969-12-28'],
  ['margaret', 'M. H.', 'apollo-11', '1936-08-17'],
  ['Ken', 'ken t', '1943-02-04'],
  ['Björk', '1965-11-21'],
  ['たなか', '田中', '1988-03-03'],
  ['Zoë', 'zoe', 'Zoë 🚀', '2001-07-30'],
  ['guido', 'BDFL', 'guido v.', '1956-01-31'],
  ['alan', '1912-06-23'],
  ['Dennis', 'dmr', '1941-09-09'],
];

const CREATE = `mutation Seed($input: CreateMemberInput!) {
  createMember(input: $input) { member { id } userErrors { code message } } }`;
const CHANGE = `mutation SeedChange($input: ChangeNicknameInput!) {
  changeNickname(input: $input) { member { nickname } userErrors { code message } } }`;

async function call(token, query, variables) {
  const response = await fetch(GATEWAY_URL, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (response.status === 401) {
    throw new Error(`${GATEWAY_URL} refused the development issuer's token: seed needs the gateway npm start runs without AUTH_*`);
  }
  if (body.errors) throw new Error(`${GATEWAY_URL} answered ${response.status}: ${body.errors.map((error) => error.message).join('; ')}`);
  return body.data;
}

try {
  await fetch(GATEWAY_URL, { method: 'OPTIONS' });
} catch {
  console.error(`npm run seed: nothing answers at ${GATEWAY_URL}: start the system first (npm start), or set GATEWAY_URL.`);
  process.exit(1);
}

const issuer = await openDevIssuer(KEYS_DIR);
let created = 0;
let changes = 0;
let present = 0;
for (const [index, sample] of SAMPLES.entries()) {
  const birthDate = sample.at(-1);
  const [nickname, ...later] = sample.slice(0, -1);
  const email = `seed-${index + 1}@example.com`;
  const token = await issuer.mint(`seed-${index + 1}`, [], 300);
  const { createMember } = await call(token, CREATE, { input: { email, nickname, birthDate } });
  if (createMember.userErrors.some((error) => error.code === 'ALREADY_SIGNED_UP' || error.code === 'EMAIL_TAKEN')) {
    present += 1;
    continue;
  }
  if (createMember.userErrors.length > 0) throw new Error(`signing up ${nickname}: ${createMember.userErrors[0].message}`);
  created += 1;
  for (const next of later) {
    const { changeNickname } = await call(token, CHANGE, { input: { memberId: createMember.member.id, nickname: next } });
    if (changeNickname.userErrors.length > 0) throw new Error(`changing ${nickname} to ${next}: ${changeNickname.userErrors[0].message}`);
    changes += 1;
  }
}
console.log(
  `Seeded ${created} members and ${changes} nickname changes through ${GATEWAY_URL}${present ? ` (${present} were already there)` : ''}`,
);
console.log(
  `Open ${GATEWAY_URL.replace(/\/graphql$/, '/graphiql/')} and run the example query with a token (npm run token -- --sub me --scope members:read).`,
);
