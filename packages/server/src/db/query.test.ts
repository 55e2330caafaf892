import { describe, expect, it } from 'vitest';
import { deleteBatchBefore, insertRecord, type Query } from './query.js';

describe('insertRecord', () => {
  const recorder = () => {
    const calls: { sql: string; params: unknown[] | undefined }[] = [];
    const q: Query = async (sql, params) => {
      calls.push({ sql, params });
      return { rows: [], rowCount: 1 };
    };
    return { q, calls };
  };

  it('writes each field to the column of its snake_case name, numbered in order', async () => {
    const { q, calls } = recorder();
    await insertRecord(q, 'users', { id: 'u1', username: 'ada', displayName: 'Ada', createdAt: new Date(0) });
    expect(calls).toEqual([
      {
        sql: 'INSERT INTO users (id, username, display_name, created_at) VALUES ($1, $2, $3, $4)',
        params: ['u1', 'ada', 'Ada', new Date(0)],
      },
    ]);
  });

  it('refuses a table or column name that is not a plain identifier, before any SQL runs', async () => {
    const { q, calls } = recorder();
    expect(() => insertRecord(q, 'users; DROP TABLE users', { id: 1 })).toThrow(TypeError);
    expect(() => insertRecord(q, 'users', { 'id) VALUES (1); --': 1 })).toThrow(/not a plain SQL identifier/);
    expect(calls).toEqual([]);
  });

  it('deleteBatchBefore: at most `limit` rows older than `before`, by key; the oldest first when asked', async () => {
    const { q, calls } = recorder();
    const before = new Date(0);
    expect(await deleteBatchBefore(q, 'codes', before, 10)).toBe(1);
    await deleteBatchBefore(q, 'audit_events', before, 5, { key: 'seq', column: 'at', oldestFirst: true });
    expect(calls).toEqual([
      { sql: 'DELETE FROM codes WHERE id IN (SELECT id FROM codes WHERE expires_at < $1 LIMIT $2)', params: [before, 10] },
      {
        sql: 'DELETE FROM audit_events WHERE seq IN (SELECT seq FROM audit_events WHERE at < $1 ORDER BY seq LIMIT $2)',
        params: [before, 5],
      },
    ]);
    await expect(deleteBatchBefore(q, 'codes', before, 1, { key: 'id; --' })).rejects.toThrow(/not a plain SQL identifier/);
    expect(calls).toHaveLength(2);
  });
});
