//! The LSH index: band keys of a sliding window of articles, with window eviction.
//!
//! [`LshIndex`] keeps, for each band key, its newest entry (an open-addressing map, 8 bytes per
//! distinct key) and, per entry, a link to the previous entry with the same key (4 bytes), so a
//! lookup walks only the entries that share its key; about 15 bytes per (article, band) on
//! fresh text, fewer where keys repeat. (A flat open-addressing multimap of 8 bytes per
//! (article, band) was the index before: on templated streams its lookups walked probe runs of
//! thousands of other keys' entries.)
//!
//! Why not `HashMap<u64, Vec<u32>>`: that costs about 40 bytes per (article, band), and memory
//! per article is a target (<= 600 bytes). Entries of evicted articles are not deleted one by
//! one: an entry is live only while its slot lies in the live window `[front, next)`; dead keys
//! are dropped when the key map is rebuilt. So eviction is O(1) and the amortised insert cost
//! stays constant.
use crate::minhash::Sketcher;
use serde::ser::SerializeSeq;
use std::collections::VecDeque;

const EMPTY: u64 = u64::MAX;
const MIN_CAPACITY: usize = 1024;

/// Whether `slot` lies in the live window `[front, next)` (wrapping arithmetic).
#[inline]
pub fn is_live(slot: u32, front: u32, next: u32) -> bool {
    slot.wrapping_sub(front) < next.wrapping_sub(front)
}

#[inline]
fn home(key: u32, capacity: usize) -> usize {
    // Fast range reduction: capacity need not be a power of two, which keeps memory close to
    // HEADS_GROWTH x live keys.
    let mixed = (key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    ((mixed * capacity as u64) >> 32) as usize
}

/// Most recent entry of each band key: an open-addressing map from 32-bit band keys to the entry
/// number (`slot * bands + band`, wrapping) of the newest entry with that key, 8 bytes per key.
/// Each key appears at most once; a key whose newest entry left the window is dead and its
/// position is reused or dropped at the next rebuild.
#[derive(Clone, Debug)]
struct Heads {
    slots: Vec<u64>,
    /// Occupied positions, live or dead.
    used: usize,
    /// Entries inserted since the last rebuild (see [`LshIndex`] on wrapping).
    inserted: usize,
}

/// Fill (live + dead) above which the heads are rebuilt. The keys in the heads are distinct, so
/// probe runs stay short at a higher fill than a multimap could bear.
const HEADS_MAX_FILL: f64 = 0.85;
/// Size of rebuilt heads relative to their live keys.
const HEADS_GROWTH: f64 = 1.4;
/// Inserts after which the heads are rebuilt anyway, so that no dead head is old enough for its
/// wrapping entry number to look live again.
const HEADS_MAX_INSERTS: usize = 1 << 30;

impl Heads {
    fn with_capacity(capacity: usize) -> Self {
        Self {
            slots: vec![EMPTY; capacity.max(MIN_CAPACITY)],
            used: 0,
            inserted: 0,
        }
    }

    /// Where `key` is or may go, and its newest live entry: the position of `key` (live or
    /// dead), else the first dead position on its probe path, else the empty one ending it.
    #[inline]
    fn find(&self, key: u32, front: u32, next: u32) -> (usize, Option<u32>) {
        let cap = self.slots.len();
        let mut i = home(key, cap);
        let mut dead = None;
        loop {
            let entry = self.slots[i];
            if entry == EMPTY {
                return (dead.unwrap_or(i), None);
            }
            let e = entry as u32;
            let live = is_live(e, front, next);
            if (entry >> 32) as u32 == key {
                return (i, live.then_some(e));
            }
            if !live && dead.is_none() {
                dead = Some(i);
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Makes `e` the newest entry of `key`, starting at position `at` (from [`Heads::find`] with
    /// only [`Heads::set`] calls since): returns the previous newest live entry of `key`, if any.
    /// Other keys of the same article may have taken `at` meanwhile; the probe then goes on.
    #[inline]
    fn set(&mut self, at: usize, key: u32, e: u32, front: u32, next: u32) -> Option<u32> {
        let cap = self.slots.len();
        let mut i = at;
        let new = ((key as u64) << 32) | e as u64;
        self.inserted += 1;
        loop {
            let entry = self.slots[i];
            if entry == EMPTY {
                self.used += 1;
                self.slots[i] = new;
                return None;
            }
            let old = entry as u32;
            let live = is_live(old, front, next);
            if (entry >> 32) as u32 == key {
                self.slots[i] = new;
                return live.then_some(old);
            }
            if !live {
                self.slots[i] = new;
                return None;
            }
            i += 1;
            if i == cap {
                i = 0;
            }
        }
    }

    /// Whether `extra` more keys might overfill the heads (or they are due a rebuild anyway).
    fn needs_rebuild(&self, extra: usize) -> bool {
        (self.used + extra) as f64 > self.slots.len() as f64 * HEADS_MAX_FILL
            || self.inserted > HEADS_MAX_INSERTS
    }

    /// Rebuilds with the live keys only, with room for `extra` more.
    fn rebuild(&mut self, front: u32, next: u32, extra: usize) {
        let live = self
            .slots
            .iter()
            .filter(|&&x| x != EMPTY && is_live(x as u32, front, next))
            .count();
        let capacity = ((live as f64 * HEADS_GROWTH) as usize)
            .max(((live + extra) as f64 / HEADS_MAX_FILL) as usize + 1)
            .max(MIN_CAPACITY);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY; capacity]);
        self.used = 0;
        self.inserted = 0;
        for entry in old {
            if entry != EMPTY && is_live(entry as u32, front, next) {
                self.place_new(entry);
            }
        }
    }

    /// Places an entry whose key is not in the table.
    fn place_new(&mut self, entry: u64) {
        let cap = self.slots.len();
        let mut i = home((entry >> 32) as u32, cap);
        while self.slots[i] != EMPTY {
            i += 1;
            if i == cap {
                i = 0;
            }
        }
        self.slots[i] = entry;
        self.used += 1;
    }
}

/// A streaming MinHash LSH index: sketches word sequences, finds earlier entries sharing a band,
/// stores band keys and forgets entries older than a sliding window.
///
/// Layout: entry `slot * bands + band` (its entry number, wrapping u32) holds one band key of
/// one article. [`Heads`] maps each key to its newest entry, and `chain` holds, by entry number
/// from the window's front, the previous entry with the same key: so a lookup walks exactly the
/// entries with its key, newest first, and stops at the first one outside the window. (A flat
/// multimap walks whole probe runs instead: on templated streams a band key shared by hundreds
/// of articles makes runs of thousands of entries that every key homed inside them pays for;
/// measured 37,654 probes for 4,590 hits per article on `bench/scale_gen.py 10000 300`.) About
/// 8 x 1.4 bytes per distinct key plus 4 per entry. Entry numbers wrap: the window must hold
/// fewer than 2^31 entries (an index that size would need over 24 GiB).
#[derive(Clone, Debug)]
pub struct LshIndex {
    sketcher: Sketcher,
    bands: usize,
    rows: usize,
    heads: Heads,
    /// Previous entry with the same key, for each entry in the window (from the front); an entry
    /// without one points to itself. Articles without words hold `bands` such entries too, so
    /// that entry numbers follow slots.
    chain: VecDeque<u32>,
    front: u32,
    next: u32,
    keys: Vec<u32>,
    /// Scratch for queries (not saved): bands shared, by window position, and the positions
    /// touched. Counting here rather than sorting every hit matters when a band key is shared
    /// by hundreds of articles (templated text): one query can see thousands of hits.
    counts: Vec<u32>,
    touched: Vec<u32>,
    /// Where each band key of the query goes in the heads.
    positions: Vec<usize>,
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
            heads: Heads::with_capacity(MIN_CAPACITY),
            chain: VecDeque::new(),
            front: 0,
            next: 0,
            keys: Vec::with_capacity(bands),
            counts: Vec::new(),
            touched: Vec::new(),
            positions: Vec::with_capacity(bands),
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

    /// Bytes held by the bucket table (heads and chains).
    pub fn memory_bytes(&self) -> usize {
        self.heads.slots.capacity() * std::mem::size_of::<u64>()
            + (self.chain.capacity() + self.counts.capacity() + self.touched.capacity())
                * std::mem::size_of::<u32>()
    }

    /// Entry number of band `band` of `slot`.
    #[inline]
    fn entry_number(&self, slot: u32, band: usize) -> u32 {
        slot.wrapping_mul(self.bands as u32)
            .wrapping_add(band as u32)
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
        let front = self.front;
        let slot = self.query_insert_keys_unordered(keys, found);
        found.sort_unstable_by_key(|&(s, _)| s.wrapping_sub(front));
        slot
    }

    /// [`LshIndex::query_insert_keys`] with `found` in no particular order (each slot once).
    ///
    /// # Panics
    /// When `keys` does not hold one key per band.
    pub fn query_insert_keys_unordered(
        &mut self,
        keys: Option<&[u32]>,
        found: &mut Vec<(u32, u32)>,
    ) -> u32 {
        found.clear();
        let slot = self.next;
        let Some(keys) = keys else {
            self.push_slot(None);
            return slot;
        };
        assert_eq!(keys.len(), self.bands, "one key per band");
        let (front_e, next_e) = (
            self.entry_number(self.front, 0),
            self.entry_number(self.next, 0),
        );
        let window = self.len();
        if self.counts.len() < window {
            self.counts.resize(window, 0);
        }
        if self.heads.needs_rebuild(keys.len()) {
            self.heads.rebuild(front_e, next_e, keys.len());
        }
        let shift = self
            .bands
            .is_power_of_two()
            .then(|| self.bands.trailing_zeros());
        let bands = self.bands;
        let Self {
            heads,
            chain,
            counts,
            touched,
            positions,
            ..
        } = self;
        positions.clear();
        for &key in keys {
            let (at, newest) = heads.find(key, front_e, next_e);
            positions.push(at);
            let mut e = newest;
            while let Some(cur) = e {
                let offset = cur.wrapping_sub(front_e) as usize;
                let p = match shift {
                    Some(s) => offset >> s,
                    None => offset / bands,
                };
                if counts[p] == 0 {
                    touched.push(p as u32);
                }
                counts[p] += 1;
                let prev = chain[offset];
                e = (prev != cur && is_live(prev, front_e, next_e)).then_some(prev);
            }
        }
        for &p in touched.iter() {
            found.push((self.front.wrapping_add(p), counts[p as usize]));
            counts[p as usize] = 0;
        }
        touched.clear();
        let positions = std::mem::take(&mut self.positions);
        self.push_slot(Some((keys, &positions)));
        self.positions = positions;
        slot
    }

    /// Takes the next slot: links its entries into the chains of their keys (`keys` with their
    /// positions from [`Heads::find`]), or gives it `bands` unlinked entries when it has no words.
    fn push_slot(&mut self, keys: Option<(&[u32], &[usize])>) {
        let slot = self.next;
        self.next = self.next.wrapping_add(1);
        let (front_e, next_e) = (
            self.entry_number(self.front, 0),
            self.entry_number(self.next, 0),
        );
        // Grow the chain by a quarter at a time rather than doubling: it is most of the index
        // memory beside the heads, and a full window keeps its length.
        if self.chain.len() + self.bands > self.chain.capacity() {
            self.chain
                .reserve_exact((self.chain.len() / 4).max(self.bands * 64));
        }
        for band in 0..self.bands {
            let e = self.entry_number(slot, band);
            let prev = match keys {
                Some((keys, positions)) => self
                    .heads
                    .set(positions[band], keys[band], e, front_e, next_e)
                    .unwrap_or(e),
                None => e,
            };
            self.chain.push_back(prev);
        }
    }

    /// Forgets every entry older than `front` (slots before it).
    pub fn evict_before(&mut self, front: u32) {
        if is_live(front, self.front, self.next.wrapping_add(1)) {
            let dropped = front.wrapping_sub(self.front) as usize * self.bands;
            self.chain.drain(..dropped);
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

    /// Live entries as `(key << 32 | slot)`: each live key's entries, newest first, keys in
    /// table order (for saving; deterministic for a given history).
    fn live_entries(&self) -> impl Iterator<Item = u64> + '_ {
        let front_e = self.entry_number(self.front, 0);
        let next_e = self.entry_number(self.next, 0);
        let bands = self.bands;
        self.heads
            .slots
            .iter()
            .copied()
            .filter(move |&x| x != EMPTY && is_live(x as u32, front_e, next_e))
            .flat_map(move |x| {
                let key = x >> 32;
                let mut e = Some(x as u32);
                std::iter::from_fn(move || {
                    let cur = e?;
                    let offset = cur.wrapping_sub(front_e) as usize;
                    let prev = self.chain[offset];
                    e = (prev != cur && is_live(prev, front_e, next_e)).then_some(prev);
                    let slot = self.front.wrapping_add((offset / bands) as u32);
                    Some((key << 32) | slot as u64)
                })
            })
    }

    /// Rebuilds heads and chains from saved live entries `(key << 32 | slot)` in any order.
    fn load_entries(&mut self, entries: &[u64]) -> Result<(), String> {
        let window = self.len();
        let mut sorted: Vec<(usize, u32)> = Vec::with_capacity(entries.len());
        for &x in entries {
            let position = (x as u32).wrapping_sub(self.front) as usize;
            if position >= window {
                return Err(format!(
                    "saved lsh entry for slot {} outside the window",
                    x as u32
                ));
            }
            sorted.push((position, (x >> 32) as u32));
        }
        // Stable: the order of one slot's keys is kept (it does not change any lookup).
        sorted.sort_by_key(|&(p, _)| p);
        let (front, next) = (self.front, self.next);
        self.next = front;
        self.chain = VecDeque::with_capacity(window * self.bands);
        self.heads = Heads::with_capacity((entries.len() as f64 * HEADS_GROWTH) as usize);
        let mut keys = Vec::with_capacity(self.bands);
        let mut positions = Vec::with_capacity(self.bands);
        let mut i = 0;
        for position in 0..window {
            keys.clear();
            while i < sorted.len() && sorted[i].0 == position {
                keys.push(sorted[i].1);
                i += 1;
            }
            if keys.is_empty() {
                self.push_slot(None);
                continue;
            }
            if keys.len() != self.bands {
                self.next = next;
                return Err(format!(
                    "saved lsh slot {} has {} entries, not one per band",
                    front.wrapping_add(position as u32),
                    keys.len()
                ));
            }
            let (front_e, next_e) = (
                self.entry_number(self.front, 0),
                self.entry_number(self.next, 0),
            );
            if self.heads.needs_rebuild(keys.len()) {
                self.heads.rebuild(front_e, next_e, keys.len());
            }
            positions.clear();
            positions.extend(keys.iter().map(|&k| self.heads.find(k, front_e, next_e).0));
            self.push_slot(Some((&keys, &positions)));
        }
        debug_assert_eq!(self.next, next);
        Ok(())
    }
}

/// Serialises the live entries of an index as a sequence of u64.
struct LiveEntries<'a>(&'a LshIndex);

impl serde::Serialize for LiveEntries<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let count = self.0.live_entries().count();
        let mut seq = serializer.serialize_seq(Some(count))?;
        for e in self.0.live_entries() {
            seq.serialize_element(&e)?;
        }
        seq.end()
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
            entries: LiveEntries(self),
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
        index
            .load_entries(&l.entries)
            .map_err(serde::de::Error::custom)?;
        Ok(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// Keys from a tiny range, so that one key sits in several bands of one article and in
    /// different bands of different articles: an article shares as many bands as there are
    /// (query key, stored entry) pairs with equal keys, whatever the bands.
    fn small_keys(i: u32, bands: u32) -> Vec<u32> {
        (0..bands)
            .map(|b| (i.wrapping_mul(2_654_435_761) >> (b * 3 % 29)) % 5)
            .collect()
    }

    fn brute_force(keys: &[Vec<u32>], i: usize, front: usize) -> Vec<(u32, u32)> {
        (front..i)
            .map(|j| {
                let n: usize = keys[i]
                    .iter()
                    .map(|q| keys[j].iter().filter(|k| *k == q).count())
                    .sum();
                (j as u32, n as u32)
            })
            .filter(|&(_, n)| n > 0)
            .collect()
    }

    #[test]
    fn query_counts_keys_repeated_within_and_across_bands() {
        let mut index = LshIndex::new(Sketcher::new(6, 1, 7), 3, 2);
        let keys: Vec<Vec<u32>> = (0..1500).map(|i| small_keys(i, 3)).collect();
        let mut found = Vec::new();
        let mut front = 0;
        for i in 0..keys.len() {
            if i % 97 == 0 && i > 300 {
                front = i - 300;
                index.evict_before(front as u32);
            }
            // Every seventh article has no words: a slot without bands.
            if i % 7 == 3 {
                index.query_insert_keys(None, &mut found);
                assert!(found.is_empty());
                continue;
            }
            index.query_insert_keys(Some(&keys[i]), &mut found);
            let want: Vec<(u32, u32)> = brute_force(&keys, i, front)
                .into_iter()
                .filter(|&(j, _)| j % 7 != 3)
                .collect();
            assert_eq!(found, want, "article {i}");
        }
    }

    #[test]
    fn saved_index_answers_like_the_original() {
        let mut index = LshIndex::new(Sketcher::new(8, 1, 7), 4, 2);
        let keys: Vec<Vec<u32>> = (0..900).map(|i| small_keys(i * 31 + 5, 4)).collect();
        let mut found = Vec::new();
        for (i, k) in keys.iter().enumerate().take(600) {
            if i == 400 {
                index.evict_before(250);
            }
            index.query_insert_keys(Some(k), &mut found);
        }
        let saved = serde_json::to_string(&index).unwrap();
        let mut restored: LshIndex = serde_json::from_str(&saved).unwrap();
        let sorted_entries = |x: &LshIndex| {
            let mut v: Vec<u64> = x.live_entries().collect();
            v.sort_unstable();
            v
        };
        assert_eq!(sorted_entries(&index), sorted_entries(&restored));
        assert_eq!(sorted_entries(&index).len(), 350 * 4);
        let mut again = Vec::new();
        for (i, k) in keys.iter().enumerate().skip(600) {
            if i == 800 {
                index.evict_before(500);
                restored.evict_before(500);
            }
            let a = index.query_insert_keys(Some(k), &mut found);
            let b = restored.query_insert_keys(Some(k), &mut again);
            assert_eq!((a, &found), (b, &again), "article {i}");
        }
    }

    #[test]
    fn saved_entries_outside_the_window_are_refused() {
        let json = r#"{"num_perm":8,"shingle_words":1,"seed":7,"bands":4,"rows":2,
            "front":10,"next":12,"entries":[42949672969]}"#;
        assert!(serde_json::from_str::<LshIndex>(json).is_err());
    }
}
