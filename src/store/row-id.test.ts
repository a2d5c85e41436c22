import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './row-id.js';

const v7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const timeOf = (id: string) => Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);

describe('timeOrderedId', () => {
  it('is a UUIDv7: the creation millisecond, version 7, the RFC variant', () => {
    const before = Date.now();
    const id = timeOrderedId();
    const after = Date.now();
    expect(id).toMatch(v7);
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(after);
  });

  it('sorts ids of later milliseconds after earlier ones, as strings (an index appends them at its end)', async () => {
    const first = timeOrderedId();
    await new Promise((resolve) => setTimeout(resolve, 3));
    const second = timeOrderedId();
    expect(second > first).toBe(true);
    expect([second, first].sort()).toEqual([first, second]);
  });

  it('keeps 74 random bits: 20,000 ids in a few milliseconds are distinct, and every random digit varies', () => {
    const ids = Array.from({ length: 20_000 }, () => timeOrderedId());
    expect(new Set(ids).size).toBe(ids.length);
    // Past the time and version, each hex digit takes many values across the ids (none is a counter or fixed).
    const randomPositions = [15, 16, 17, 20, 21, 22, 24, 25, 30, 35];
    for (const position of randomPositions) {
      expect(new Set(ids.map((id) => id[position])).size).toBeGreaterThanOrEqual(15);
    }
    expect(new Set(ids.map((id) => id[19])).size).toBe(4);
  });
});
