// The nickname-history database's generated Prisma client (PrismaClient, Prisma namespace, model types).
export * from './generated/nickname-history/client.js';
