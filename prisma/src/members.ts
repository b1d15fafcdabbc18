// The members database's generated Prisma client (PrismaClient, Prisma namespace, model types).
export * from './generated/members/client.js';
