// A client team's code: sign a member up, rename them, and read a page with nickname histories.
// Run against a live gateway (npm start), acting for a new account of the development issuer:
//   TOKEN=$(npm run -s token -- --sub example-user --scope members:read) GATEWAY_URL=http://127.0.0.1:4000/graphql npx tsx src/example.ts
import { createClient, type Execute } from './client.js';
import { ChangeNickname, CreateMember, MembersWithHistory } from './operations.js';

export async function renameAndList(execute: Execute, email: string, nickname: string, newNickname: string) {
  const created = await execute(CreateMember, { input: { email, nickname, birthDate: '1990-05-17' } });
  const payload = created.data?.createMember;
  if (!payload?.member) return { userErrors: payload?.userErrors ?? [], page: null };
  await execute(ChangeNickname, { input: { memberId: payload.member.id, nickname: newNickname } });
  const page = await execute(MembersWithHistory, { first: 10 });
  return { userErrors: [], page: page.data?.members ?? null };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const execute = createClient({
    url: process.env['GATEWAY_URL'] ?? 'http://127.0.0.1:4000/graphql',
    persisted: process.env['PERSISTED'] === 'true',
    ...(process.env['TOKEN'] ? { token: () => Promise.resolve(process.env['TOKEN']!) } : {}),
  });
  const suffix = Date.now().toString(36).slice(-5);
  const { userErrors, page } = await renameAndList(execute, `example-${suffix}@example.com`, `ex-${suffix}`, `ex2-${suffix}`);
  console.log(JSON.stringify(userErrors.length > 0 ? { userErrors } : page, null, 2));
}
