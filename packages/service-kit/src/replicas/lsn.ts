/**
 * PostgreSQL write-ahead log positions ("16/B374D848"): 64-bit numbers, compared as bigint in
 * JavaScript and as fixed-width hex strings in Redis (where string order is then numeric order).
 */
export type Lsn = bigint;

export function parseLsn(text: string): Lsn {
  const match = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (!match) throw new Error(`not a WAL position: ${text}`);
  return (BigInt(`0x${match[1]!}`) << 32n) | BigInt(`0x${match[2]!}`);
}

export const lsnToKey = (lsn: Lsn): string => lsn.toString(16).padStart(16, '0');

export const lsnFromKey = (key: string): Lsn => BigInt(`0x${key}`);

export const formatLsn = (lsn: Lsn): string =>
  `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
