// One read of every switch per scrape, shared by the families that fill
// from it.  A scrape collects every family synchronously, so what the
// first family of a scrape read is dropped in the next microtask and the
// next scrape reads again: one scrape reads each switch once, and all its
// families agree with each other.
//
// Thread-safety: JS thread only (scrapes).
import type { NativeSwitch } from '../datapath';

/**
 * This scrape's entries: 'read' of each switch 'switches()' lists, taken on
 * the first call of a scrape.  A switch whose read gives undefined has no
 * entry, nor has one that throws (closed, or swapped to another logic,
 * since the source listed it).
 */
export function scrapeSnapshot<T>(switches: () => Iterable<NativeSwitch>, read: (sw: NativeSwitch) => T | undefined): () => T[] {
  let snapshot: T[] | undefined;
  return () => {
    if (snapshot) return snapshot;
    const snap: T[] = [];
    for (const sw of switches()) {
      try {
        const entry = read(sw);
        if (entry !== undefined) snap.push(entry);
      } catch {
        // closed since the source listed it: no series any more
      }
    }
    snapshot = snap;
    queueMicrotask(() => {
      snapshot = undefined;
    });
    return snap;
  };
}
