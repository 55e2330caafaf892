import { describe, expect, it } from 'vitest';
import { insertRecord, type Query } from './query.js';

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
});
