import { formatLsn, lsnFromKey, lsnToKey, memoryWriteFences, parseLsn } from '../src/index.js';

describe('WAL positions', () => {
  it('parse, format and order as the log does, also as Redis strings', () => {
    const positions = ['0/0', '0/16B3748', '0/FFFFFFFF', '1/0', '16/B374D848', 'FFFFFFFF/FFFFFFFF'];
    const parsed = positions.map(parseLsn);
    expect(parsed.map(formatLsn)).toEqual(positions);
    const keys = parsed.map(lsnToKey);
    expect([...keys].sort()).toEqual(keys);
    expect(keys.map(lsnFromKey)).toEqual(parsed);
    expect(() => parseLsn('16-B374D848')).toThrow('not a WAL position');
  });
});

describe('in-process write fences', () => {
  it('keep the newest position per writer and tag, and forget it after the TTL', async () => {
    let now = 0;
    const fences = memoryWriteFences(1_000, () => now);
    await fences.record({ subject: 'alice', tags: ['member:1'], lsn: 20n });
    await fences.record({ subject: 'alice', tags: ['member:1', 'member:2'], lsn: 10n });
    expect(await fences.writerLsn('alice')).toBe(20n);
    expect(await fences.writerLsn('bob')).toBeNull();
    expect(await fences.newestTagLsn(['member:2'])).toBe(10n);
    expect(await fences.newestTagLsn(['member:2', 'member:1', 'members'])).toBe(20n);
    now = 1_001;
    expect(await fences.writerLsn('alice')).toBeNull();
    expect(await fences.newestTagLsn(['member:1'])).toBeNull();
  });
});
