import { describe, expect, it } from 'vitest';
import { canonical, recordHash } from '../../src/server/core/audit/audit.js';

describe('audit record hashing', () => {
  it('is independent of key order and changes with any field', () => {
    expect(canonical({ b: 1, a: { d: 2, c: 3 } })).toBe(canonical({ a: { c: 3, d: 2 }, b: 1 }));
    const row = {
      chain_id: 'c',
      seq: 1,
      occurred_at: new Date(0),
      actor_id: null,
      actor_name: 'x',
      action: 'a',
      target: null,
      ip: null,
      outcome: 'success',
      details: {},
    };
    const h = recordHash(Buffer.alloc(32), row);
    expect(recordHash(Buffer.alloc(32), { ...row, action: 'b' }).equals(h)).toBe(false);
    expect(recordHash(Buffer.alloc(32, 1), row).equals(h)).toBe(false);
  });
});
