// One write and one read per database through the generated Prisma clients.
import { randomUUID } from 'node:crypto';
import { PrismaClient as MembersClient } from '../../src/members.js';
import { PrismaClient as NicknameHistoryClient } from '../../src/nickname-history.js';
import type { OpenedDatabase } from '../../src/index.js';

export async function smokeMembers(opened: OpenedDatabase): Promise<void> {
  const prisma = new MembersClient({ adapter: opened.adapterFactory });
  try {
    const id = randomUUID();
    await prisma.member.create({
      data: {
        id,
        email: 'Ada@Example.org',
        emailKey: 'ada@example.org',
        nickname: 'Ada',
        nicknameKey: 'ada',
        birthDate: new Date('1815-12-10'),
      },
    });
    const found = await prisma.member.findUnique({ where: { emailKey: 'ada@example.org' } });
    expect(found).toMatchObject({ id, nickname: 'Ada', nicknameVersion: 1 });
    expect(found?.birthDate.toISOString()).toBe('1815-12-10T00:00:00.000Z');
  } finally {
    await prisma.$disconnect();
  }
}

export async function smokeNicknameHistory(opened: OpenedDatabase): Promise<void> {
  const prisma = new NicknameHistoryClient({ adapter: opened.adapterFactory });
  try {
    const memberId = randomUUID();
    await prisma.nicknameChange.create({
      data: { id: randomUUID(), memberId, version: 1, nickname: 'Ada', changedAt: new Date() },
    });
    expect(await prisma.nicknameChange.count({ where: { memberId } })).toBe(1);
  } finally {
    await prisma.$disconnect();
  }
}
