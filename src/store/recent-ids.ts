/** Bytes kept per id in the table; longer ids (and ids with characters past U+00FF) are kept as strings. */
const WIDTH = 64;
const AS_STRING = 255;

/** FNV-1a over the id's UTF-16 code units. */
function hashOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * The newest `capacity` ids (the oldest forgotten first), kept in typed arrays: a ring of slots and an
 * open-addressing index over them. A Set of the id strings did the same, but kept each delivery's
 * header string alive for `capacity` deliveries: every one was copied twice by the young-generation GC,
 * promoted, and left as old-generation garbage, which made V8 mark and compact the old heap all
 * through a burst (about 1.4 µs a delivery at 30,000 deliveries a second). Here an id is copied into
 * bytes already allocated, and its string dies young. Lookups compare the whole id: never a false match.
 */
export class RecentIds {
  private readonly bytes: Uint8Array;
  private readonly lengths: Uint8Array;
  private readonly hashes: Int32Array;
  /** Only for ids kept as strings (AS_STRING). */
  private readonly strings: (string | undefined)[];
  /** slot + 1 at each used position; 0 is free. Linear probing, at most half full. */
  private readonly index: Int32Array;
  private readonly mask: number;
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("capacity must be a positive integer");
    let positions = 8;
    while (positions < capacity * 2) positions *= 2;
    this.index = new Int32Array(positions);
    this.mask = positions - 1;
    this.bytes = new Uint8Array(capacity * WIDTH);
    this.lengths = new Uint8Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.strings = new Array(capacity).fill(undefined);
  }

  has(id: string): boolean {
    return this.position(id, hashOf(id)) >= 0;
  }

  /** Remembers `id`, forgetting the oldest when full. False when it was already remembered. */
  add(id: string): boolean {
    const hash = hashOf(id);
    if (this.position(id, hash) >= 0) return false;
    const slot = this.next;
    if (this.size === this.capacity) this.forget(slot);
    else this.size++;
    this.keep(slot, id, hash);
    let i = hash & this.mask;
    while (this.index[i] !== 0) i = (i + 1) & this.mask;
    this.index[i] = slot + 1;
    this.next = slot + 1 === this.capacity ? 0 : slot + 1;
    return true;
  }

  /** The index position that holds `id`, or -1. */
  private position(id: string, hash: number): number {
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.index[i] as number;
      if (e === 0) return -1;
      if (this.hashes[e - 1] === hash && this.holds(e - 1, id)) return i;
    }
  }

  private holds(slot: number, id: string): boolean {
    const length = this.lengths[slot];
    if (length === AS_STRING) return this.strings[slot] === id;
    if (length !== id.length) return false;
    const at = slot * WIDTH;
    for (let i = 0; i < length; i++) if (this.bytes[at + i] !== id.charCodeAt(i)) return false;
    return true;
  }

  private keep(slot: number, id: string, hash: number): void {
    this.hashes[slot] = hash;
    this.strings[slot] = undefined;
    if (id.length <= WIDTH) {
      const at = slot * WIDTH;
      let wide = 0;
      for (let i = 0; i < id.length; i++) {
        const c = id.charCodeAt(i);
        wide |= c >> 8;
        this.bytes[at + i] = c;
      }
      if (wide === 0) {
        this.lengths[slot] = id.length;
        return;
      }
    }
    this.lengths[slot] = AS_STRING;
    this.strings[slot] = id;
  }

  /** Removes the slot's id from the index (backward-shift deletion: no tombstones to skip later). */
  private forget(slot: number): void {
    const { index, mask } = this;
    let hole = (this.hashes[slot] as number) & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let j = (hole + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      const e = index[j] as number;
      const home = (this.hashes[e - 1] as number) & mask;
      // The entry at j may fill the hole if the hole lies between its home position and j.
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        index[hole] = e;
        hole = j;
      }
    }
    index[hole] = 0;
    this.strings[slot] = undefined;
  }
}
