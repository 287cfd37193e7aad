/** Seeded generators for bad-input tests: the same seed gives the same requests. */

/** A small fast PRNG (mulberry32); `seed` is any 32-bit integer. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next,
    /** 0 ≤ x < n */
    int,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)] as T,
    hex: (n: number) => {
      let s = "";
      for (let i = 0; i < n; i++) s += "0123456789abcdef"[int(16)];
      return s;
    },
    bytes: (n: number) => {
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = int(256);
      return b;
    },
  };
}
export type Rng = ReturnType<typeof prng>;

/** A seed from FUZZ_SEED, or a fresh one. */
export function fuzzSeed(): number {
  const env = process.env.FUZZ_SEED;
  return env ? Number(env) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

/** Flips, inserts, deletes or truncates bytes of `buf` (never returns the same bytes unchanged unless empty). */
export function mutateBytes(rng: Rng, buf: Buffer): Buffer {
  if (buf.length === 0) return rng.bytes(1 + rng.int(8));
  const b = Buffer.from(buf);
  switch (rng.int(6)) {
    case 0: {
      const at = rng.int(b.length);
      b[at] = (b[at] as number) ^ (1 << rng.int(8));
      return b;
    }
    case 1:
      return b.subarray(0, rng.int(b.length));
    case 2: {
      const at = rng.int(b.length);
      return Buffer.concat([b.subarray(0, at), rng.bytes(1 + rng.int(16)), b.subarray(at)]);
    }
    case 3: {
      const at = rng.int(b.length);
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + rng.int(16))]);
    }
    case 4: {
      // Invalid UTF-8 sequences: lone continuation bytes, overlongs, surrogates, truncated multi-byte.
      const bad = rng.pick([[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf8, 0x88, 0x80, 0x80]]);
      const at = rng.int(b.length);
      return Buffer.concat([b.subarray(0, at), Buffer.from(bad), b.subarray(at)]);
    }
    default: {
      const at = rng.int(b.length);
      b.fill(rng.pick([0x00, 0x22, 0x5c, 0x7b, 0x7d]), at, Math.min(b.length, at + 1 + rng.int(4)));
      return b;
    }
  }
}

const WEIRD: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  "",
  "x".repeat(1000),
  "refs/heads/main",
  "refs/heads/-rf",
  "refs/heads/../../etc",
  "0".repeat(40),
  "g".repeat(40),
  "\u0000\u001b[31m",
  [],
  {},
  { __proto__: { polluted: true } },
  [null],
];

/** A random structural change somewhere in a JSON value (in place where possible); returns the result. */
export function mutateJson(rng: Rng, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object" || depth > 6 || rng.chance(0.15)) {
    if (rng.chance(0.3) && typeof value === "string") return value.slice(0, rng.int(value.length + 1));
    return structuredClone(rng.pick(WEIRD));
  }
  if (Array.isArray(value)) {
    if (value.length === 0 || rng.chance(0.2)) {
      value.push(structuredClone(rng.pick(WEIRD)));
      return value;
    }
    const i = rng.int(value.length);
    value[i] = mutateJson(rng, value[i], depth + 1);
    return value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  const roll = rng.int(10);
  if (keys.length === 0 || roll === 0) {
    obj[rng.pick(["__proto__", "constructor", "prototype", "ref", "after", "extra"])] = structuredClone(
      rng.pick(WEIRD),
    );
    return obj;
  }
  const key = rng.pick(keys);
  if (roll === 1) delete obj[key];
  else obj[key] = mutateJson(rng, obj[key], depth + 1);
  return obj;
}

/** JSON text nested `depth` levels deep, optionally wrapped as the value of a push field. */
export function deepJson(rng: Rng, depth: number): string {
  const open = rng.chance(0.5) ? "[" : '{"a":';
  const close = open === "[" ? "]" : "}";
  return `${open.repeat(depth)}1${close.repeat(depth)}`;
}

/** Text with a `__proto__` key at the top and inside nested objects (JSON.parse keeps it as an own key). */
export function protoJson(base: Record<string, unknown>): string {
  const json = JSON.stringify(base);
  return `{"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},${json.slice(1, -1).replace('"repository":{', '"repository":{"__proto__":{"polluted":true},')}}`;
}
