//! The LSH bucket table: a flat open-addressing multimap from 32-bit band keys to 32-bit article
//! slots, 8 bytes per (article, band), with window eviction.
//!
//! Why not `HashMap<u64, Vec<u32>>`: that costs about 40 bytes per (article, band) against 8 here,
//! and memory per article is a target (<= 600 bytes). Entries of evicted articles are not deleted
//! one by one: an entry is live only while its slot lies in the live window `[front, next)`, and
//! the table is rebuilt (live entries only) when dead and live entries together fill it. So
//! eviction is O(1) and the amortised insert cost stays constant.
use crate::minhash::Sketcher;
use serde::ser::SerializeSeq;

const EMPTY: u64 = u64::MAX;
/// Fill (live + dead) above which the table is rebuilt.
const MAX_FILL: f64 = 0.80;
/// Size of a rebuilt table relative to its live entries.
const GROWTH: f64 = 1.6;
const MIN_CAPACITY: usize = 1024;

/// The bucket table.
#[derive(Clone, Debug)]
pub struct BucketTable {
    slots: Vec<u64>,
    /// Occupied slots, live or dead.
    used: usize,
}

impl Default for BucketTable {
    fn default() -> Self {
        Self {
            slots: vec![EMPTY; MIN_CAPACITY],
            used: 0,
        }
    }
}

/// Whether `slot` lies in the live window `[front, next)` (wrapping arithmetic).
#[inline]
pub fn is_live(slot: u32, front: u32, next: u32) -> bool {
    slot.wrapping_sub(front) < next.wrapping_sub(front)
}

#[inline]
fn home(key: u32, capacity: usize) -> usize {
    // Fast range reduction: capacity need not be a power of two, which keeps memory close to
    // GROWTH x live entries.
    let mixed = (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    ((mixed * capacity as u64) >> 32) as usize
}

impl BucketTable {
    /// Bytes held by the table.
    pub fn memory_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<u64>()
    }

    /// Writes `(key, slot)` at the first empty or dead position from `at` on.
    fn place_from(&mut self, at: usize, key: u32, slot: u32, front: u32, next: u32) {
        let cap = self.slots.len();
        let mut i = at;
        loop {
            let entry = self.slots[i];
            if entry == EMPTY {
                self.used += 1;
                self.slots[i] = ((key as u64) << 32) | slot as u64;
                return;
            }
            if !is_live(entry as u32, front, next) {
                // Reuse a dead entry: lookups scan whole runs, so any position in the run is fine.
                self.slots[i] = ((key as u64) << 32) | slot as u64;
                return;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Adds `(key, slot)`; `live` is the number of live (article, band) entries after this one,
    /// used to size a rebuild; `front..next` is the live window.
    pub fn insert(&mut self, key: u32, slot: u32, front: u32, next: u32, live: usize) {
        if (self.used + 1) as f64 > self.slots.len() as f64 * MAX_FILL {
            self.rebuild(front, next, live);
        }
        let at = home(key, self.slots.len());
        self.place_from(at, key, slot, front, next);
    }

    /// Calls `f(slot)` for each live slot stored under `key`.
    pub fn get(&self, key: u32, front: u32, next: u32, mut f: impl FnMut(u32)) {
        let cap = self.slots.len();
        let mut i = home(key, cap);
        loop {
            let entry = self.slots[i];
            if entry == EMPTY {
                return;
            }
            if (entry >> 32) as u32 == key && is_live(entry as u32, front, next) {
                f(entry as u32);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// [`BucketTable::get`] that also returns where `key` can be inserted for a slot in
    /// `front..=next`: the first entry on its probe path that is empty or dead for that window.
    /// The lookup walks the whole probe run anyway, so the insert need not walk it again (with
    /// band keys shared by hundreds of articles, runs are long).
    pub fn get_with_vacancy(
        &self,
        key: u32,
        front: u32,
        next: u32,
        mut f: impl FnMut(u32),
    ) -> usize {
        let cap = self.slots.len();
        let mut i = home(key, cap);
        let mut vacancy = None;
        loop {
            let entry = self.slots[i];
            if entry == EMPTY {
                return vacancy.unwrap_or(i);
            }
            let slot = entry as u32;
            if (entry >> 32) as u32 == key && is_live(slot, front, next) {
                f(slot);
            }
            if vacancy.is_none() && !is_live(slot, front, next.wrapping_add(1)) {
                vacancy = Some(i);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Room for `extra` more entries without a rebuild during the next inserts: rebuilds now
    /// (live entries only, sized for `live`) when they would overfill the table.
    pub fn reserve(&mut self, extra: usize, front: u32, next: u32, live: usize) {
        if (self.used + extra) as f64 > self.slots.len() as f64 * MAX_FILL {
            self.rebuild(front, next, live);
        }
    }

    /// Inserts `(key, slot)` at the first free entry from `at` on, where `at` is on the probe
    /// path of `key` with no empty entry before it (from [`BucketTable::get_with_vacancy`], after
    /// a [`BucketTable::reserve`] and only inserts since): so lookups still find it, and the
    /// part of the run before `at` is not walked again.
    pub fn insert_at(
        &mut self,
        at: usize,
        key: u32,
        slot: u32,
        front: u32,
        next: u32,
        live: usize,
    ) {
        let cap = self.slots.len();
        if at >= cap || (self.used + 1) as f64 > cap as f64 * MAX_FILL {
            return self.insert(key, slot, front, next, live);
        }
        self.place_from(at, key, slot, front, next);
    }

    /// Rebuilds with only the live entries, sized for `live` entries.
    pub fn rebuild(&mut self, front: u32, next: u32, live: usize) {
        let capacity = ((live as f64 * GROWTH) as usize).max(MIN_CAPACITY);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; capacity]);
        self.used = 0;
        for entry in old {
            if entry != EMPTY && is_live(entry as u32, front, next) {
                let key = (entry >> 32) as u32;
                let mut i = home(key, capacity);
                while self.slots[i] != EMPTY {
                    i += 1;
                    if i == capacity {
                        i = 0;
                    }
                }
                self.slots[i] = entry;
                self.used += 1;
            }
        }
    }

    /// Live entries as `(key << 32 | slot)`, in table order (for saving).
    pub fn live_entries(&self, front: u32, next: u32) -> impl Iterator<Item = u64> + '_ {
        self.slots
            .iter()
            .copied()
            .filter(move |&e| e != EMPTY && is_live(e as u32, front, next))
    }

    /// A table holding `entries` (as saved by [`BucketTable::live_entries`]).
    pub fn from_entries(entries: &[u64]) -> Self {
        let mut table = Self::default();
        let capacity = ((entries.len() as f64 * GROWTH) as usize).max(MIN_CAPACITY);
        table.slots = vec![EMPTY; capacity];
        for &entry in entries {
            let key = (entry >> 32) as u32;
            let mut i = home(key, capacity);
            while table.slots[i] != EMPTY {
                i += 1;
                if i == capacity {
                    i = 0;
                }
            }
            table.slots[i] = entry;
            table.used += 1;
        }
        table
    }
}

/// Serialises the live entries of a table as a sequence of u64.
struct LiveEntries<'a> {
    pub table: &'a BucketTable,
    pub front: u32,
    pub next: u32,
}

impl serde::Serialize for LiveEntries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let count = self.table.live_entries(self.front, self.next).count();
        let mut seq = serializer.serialize_seq(Some(count))?;
        for e in self.table.live_entries(self.front, self.next) {
            seq.serialize_element(&e)?;
        }
        seq.end()
    }
}

/// A streaming MinHash LSH index: sketches word sequences, finds earlier entries sharing a band,
/// stores band keys in a [`BucketTable`] and forgets entries older than a sliding window.
#[derive(Clone, Debug)]
pub struct LshIndex {
    sketcher: Sketcher,
    bands: usize,
    rows: usize,
    table: BucketTable,
    front: u32,
    next: u32,
    keys: Vec<u32>,
    /// Scratch for queries (not saved): bands shared, by window position, and the positions
    /// touched. Counting here rather than sorting every hit matters when a band key is shared
    /// by hundreds of articles (templated text): one query can see thousands of hits.
    counts: Vec<u32>,
    touched: Vec<u32>,
    /// Where each band key of the query can be inserted.
    vacancies: Vec<usize>,
}

impl LshIndex {
    /// An index of `bands` bands of `rows` rows over the first `bands * rows` bins of a sketcher
    /// (datasketch likewise leaves bins unused when `bands * rows` < bins).
    ///
    /// # Panics
    /// When `bands * rows` is zero or exceeds the sketcher's bins (configs validate this).
    pub fn new(sketcher: Sketcher, bands: usize, rows: usize) -> Self {
        assert!(
            bands * rows > 0 && bands * rows <= sketcher.num_perm(),
            "validated by the config"
        );
        Self {
            sketcher,
            bands,
            rows,
            table: BucketTable::default(),
            front: 0,
            next: 0,
            keys: Vec::with_capacity(bands),
            counts: Vec::new(),
            touched: Vec::new(),
            vacancies: Vec::with_capacity(bands),
        }
    }

    /// The slot the next insertion gets.
    pub fn next_slot(&self) -> u32 {
        self.next
    }

    /// The oldest live slot.
    pub fn front_slot(&self) -> u32 {
        self.front
    }

    /// Live entries.
    pub fn len(&self) -> usize {
        self.next.wrapping_sub(self.front) as usize
    }

    /// Whether no entry is live.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by the bucket table.
    pub fn memory_bytes(&self) -> usize {
        self.table.memory_bytes()
            + (self.counts.capacity() + self.touched.capacity()) * std::mem::size_of::<u32>()
    }

    /// Finds the live entries sharing at least one band with `words` (a sequence of word hashes),
    /// as `(slot, bands shared)` sorted by slot, then inserts `words` under a new slot, which it
    /// returns. Texts without words get a slot but no bands.
    pub fn query_insert(&mut self, words: &[u64], found: &mut Vec<(u32, u32)>) -> u32 {
        let mut keys = std::mem::take(&mut self.keys);
        let has_words = self.band_keys_into(words, &mut keys);
        let slot = self.query_insert_keys(has_words.then_some(&keys[..]), found);
        self.keys = keys;
        slot
    }

    /// The band keys of `words` (a sequence of word hashes), or `None` when there are no words.
    /// Pure: the expensive part of [`LshIndex::query_insert`], which can run on any thread.
    pub fn band_keys(&self, words: &[u64]) -> Option<Vec<u32>> {
        let mut keys = Vec::with_capacity(self.bands);
        self.band_keys_into(words, &mut keys).then_some(keys)
    }

    fn band_keys_into(&self, words: &[u64], keys: &mut Vec<u32>) -> bool {
        keys.clear();
        match self.sketcher.sketch_words(words) {
            Some(sig) => {
                crate::minhash::band_keys(&sig, self.bands, self.rows, keys);
                true
            }
            None => false,
        }
    }

    /// [`LshIndex::query_insert`] for band keys computed beforehand by [`LshIndex::band_keys`]
    /// (`None`: a text without words).
    ///
    /// # Panics
    /// When `keys` does not hold one key per band.
    pub fn query_insert_keys(&mut self, keys: Option<&[u32]>, found: &mut Vec<(u32, u32)>) -> u32 {
        found.clear();
        let slot = self.next;
        let Some(keys) = keys else {
            self.next = self.next.wrapping_add(1);
            return slot;
        };
        assert_eq!(keys.len(), self.bands, "one key per band");
        let (front, next) = (self.front, self.next);
        let window = next.wrapping_sub(front) as usize;
        if self.counts.len() < window {
            self.counts.resize(window, 0);
        }
        let live_after = (window + 1) * self.bands;
        self.table.reserve(keys.len(), front, next, live_after);
        let Self {
            table,
            counts,
            touched,
            vacancies,
            ..
        } = self;
        vacancies.clear();
        for &key in keys {
            let at = table.get_with_vacancy(key, front, next, |s| {
                let p = s.wrapping_sub(front) as usize;
                if counts[p] == 0 {
                    touched.push(p as u32);
                }
                counts[p] += 1;
            });
            vacancies.push(at);
        }
        touched.sort_unstable();
        for &p in touched.iter() {
            found.push((front.wrapping_add(p), counts[p as usize]));
            counts[p as usize] = 0;
        }
        touched.clear();
        self.next = self.next.wrapping_add(1);
        let live = self.len() * self.bands;
        for (&key, &at) in keys.iter().zip(&self.vacancies) {
            self.table
                .insert_at(at, key, slot, self.front, self.next, live);
        }
        slot
    }

    /// Forgets every entry older than `front` (slots before it).
    pub fn evict_before(&mut self, front: u32) {
        if is_live(front, self.front, self.next.wrapping_add(1)) {
            self.front = front;
        }
    }

    /// Sketch parameters: `(bins, shingle words, seed, bands, rows)`.
    pub fn params(&self) -> (usize, usize, u64, usize, usize) {
        (
            self.sketcher.num_perm(),
            self.sketcher.shingle_words(),
            self.sketcher.seed(),
            self.bands,
            self.rows,
        )
    }
}

#[derive(serde::Serialize)]
struct SavedIndex<'a> {
    num_perm: usize,
    shingle_words: usize,
    seed: u64,
    bands: usize,
    rows: usize,
    front: u32,
    next: u32,
    entries: LiveEntries<'a>,
}

#[derive(serde::Deserialize)]
struct LoadedIndex {
    num_perm: usize,
    shingle_words: usize,
    seed: u64,
    bands: usize,
    rows: usize,
    front: u32,
    next: u32,
    entries: Vec<u64>,
}

impl serde::Serialize for LshIndex {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SavedIndex {
            num_perm: self.sketcher.num_perm(),
            shingle_words: self.sketcher.shingle_words(),
            seed: self.sketcher.seed(),
            bands: self.bands,
            rows: self.rows,
            front: self.front,
            next: self.next,
            entries: LiveEntries {
                table: &self.table,
                front: self.front,
                next: self.next,
            },
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for LshIndex {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let l = LoadedIndex::deserialize(deserializer)?;
        if l.num_perm == 0
            || l.shingle_words == 0
            || l.bands * l.rows == 0
            || l.bands * l.rows > l.num_perm
        {
            return Err(serde::de::Error::custom(
                "inconsistent saved lsh parameters",
            ));
        }
        let mut index = LshIndex::new(
            Sketcher::new(l.num_perm, l.shingle_words, l.seed),
            l.bands,
            l.rows,
        );
        index.front = l.front;
        index.next = l.next;
        index.table = BucketTable::from_entries(&l.entries);
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multimap_returns_live_slots_only() {
        let mut t = BucketTable::default();
        for slot in 0..5000u32 {
            t.insert(slot % 7, slot, 0, slot + 1, (slot + 1) as usize);
        }
        let mut got = Vec::new();
        t.get(3, 4000, 5000, |s| got.push(s));
        got.sort_unstable();
        let want: Vec<u32> = (4000..5000).filter(|s| s % 7 == 3).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn liveness_wraps() {
        assert!(is_live(2, u32::MAX - 3, 5));
        assert!(!is_live(6, u32::MAX - 3, 5));
        assert!(!is_live(u32::MAX - 5, u32::MAX - 3, 5));
    }

    /// Band keys shared by many articles (templated text) make long probe runs; queries must
    /// still return every live article sharing a band, with the count of bands shared.
    #[test]
    fn query_counts_shared_bands_with_many_equal_keys() {
        let mut index = LshIndex::new(Sketcher::new(8, 1, 7), 4, 2);
        let keys_of = |i: u32| -> Vec<u32> { (0..4).map(|b| (i % (3 + b)) * 4 + b).collect() };
        let mut found = Vec::new();
        for i in 0..3000u32 {
            if i == 2000 {
                index.evict_before(1500);
            }
            let keys = keys_of(i);
            let slot = index.query_insert_keys(Some(&keys), &mut found);
            assert_eq!(slot, i);
            let front = if i >= 2000 { 1500 } else { 0 };
            let want: Vec<(u32, u32)> = (front..i)
                .map(|j| {
                    let kj = keys_of(j);
                    (
                        j,
                        keys.iter().zip(&kj).filter(|(a, b)| a == b).count() as u32,
                    )
                })
                .filter(|&(_, n)| n > 0)
                .collect();
            assert_eq!(found, want, "article {i}");
        }
    }

    #[test]
    fn save_and_restore_keeps_lookups() {
        let mut t = BucketTable::default();
        for slot in 0..3000u32 {
            t.insert(slot % 11, slot, 0, slot + 1, (slot + 1) as usize);
        }
        let saved: Vec<u64> = t.live_entries(1000, 3000).collect();
        let r = BucketTable::from_entries(&saved);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        t.get(5, 1000, 3000, |s| a.push(s));
        r.get(5, 1000, 3000, |s| b.push(s));
        a.sort_unstable();
        b.sort_unstable();
        assert_eq!(a, b);
    }
}
