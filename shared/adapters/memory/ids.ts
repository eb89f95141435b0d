import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '../../ports/id-generator.ts';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function encode(bytes: Uint8Array, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[(bytes[i] ?? 0) % ALPHABET.length];
  return out;
}

/** 20 base62 chars (~119 bits): unguessable, and random prefixes keep Firestore writes spread. */
export class RandomIds implements IdGenerator {
  // one call to the system's generator per 100 ids rather than one per id, as node's randomUUID pools its bytes
  private readonly pool = Buffer.alloc(2000);
  private offset = this.pool.length;

  next(prefix: string): string {
    if (this.offset + 20 > this.pool.length) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const id = `${prefix}_${encode(this.pool.subarray(this.offset, this.offset + 20), 20)}`;
    this.offset += 20;
    return id;
  }
}

/** mulberry32: a tiny seeded PRNG, so a simulation run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SeededIds implements IdGenerator {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  next(prefix: string): string {
    const bytes = Uint8Array.from({ length: 20 }, () => Math.floor(this.random() * 256));
    return `${prefix}_${encode(bytes, 20)}`;
  }
}
