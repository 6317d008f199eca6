//! A bounded least-recently-used cache of the tokens of recent articles, so that aligning a new
//! article with its candidates does not tokenize each candidate's text again on every compare.
//!
//! It is a pure memo: every entry equals `text::tokenize` of the text kept in the state for that
//! slot, so links are the same with any capacity (0 included). It is not part of the saved
//! state; a resumed deduper starts with an empty cache and gives the same answers.
use crate::text::Tokens;
use std::collections::{BTreeMap, HashMap};

/// The cache: tokens by index slot, with a use stamp for least-recently-used eviction.
#[derive(Clone, Debug, Default)]
pub(crate) struct TokenCache {
    entries: HashMap<u32, (Tokens, u64)>,
    /// Use stamp -> slot, oldest first.
    order: BTreeMap<u64, u32>,
    clock: u64,
    capacity: usize,
    bytes: usize,
}

impl TokenCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity,
            ..Self::default()
        }
    }

    /// The tokens of `slot`, when cached.
    pub fn get(&self, slot: u32) -> Option<&Tokens> {
        self.entries.get(&slot).map(|(t, _)| t)
    }

    /// Marks `slot` as just used; false when it is not cached.
    pub fn touch(&mut self, slot: u32) -> bool {
        let Some((_, stamp)) = self.entries.get_mut(&slot) else {
            return false;
        };
        self.order.remove(stamp);
        self.clock += 1;
        *stamp = self.clock;
        self.order.insert(self.clock, slot);
        true
    }

    /// Caches the tokens of `slot` (replacing any), as just used. Call [`TokenCache::trim`]
    /// afterwards: entries are not evicted here, so that all candidates of one article stay
    /// cached while they are compared.
    pub fn insert(&mut self, slot: u32, mut tokens: Tokens) {
        if self.capacity == 0 {
            return;
        }
        tokens.shrink_to_fit();
        self.remove(slot);
        self.clock += 1;
        self.bytes += tokens.heap_bytes();
        self.entries.insert(slot, (tokens, self.clock));
        self.order.insert(self.clock, slot);
    }

    fn remove(&mut self, slot: u32) {
        if let Some((t, stamp)) = self.entries.remove(&slot) {
            self.order.remove(&stamp);
            self.bytes -= t.heap_bytes();
        }
    }

    /// Evicts the least recently used entries beyond the capacity, and every entry for which
    /// `keep(slot)` is false (its text left the window).
    pub fn trim(&mut self, keep: impl Fn(u32) -> bool) {
        while self.entries.len() > self.capacity {
            let Some((_, slot)) = self.order.pop_first() else {
                break;
            };
            if let Some((t, _)) = self.entries.remove(&slot) {
                self.bytes -= t.heap_bytes();
            }
        }
        // The oldest entries are the likeliest to have left the text window.
        while let Some((_, &slot)) = self.order.first_key_value() {
            if keep(slot) {
                break;
            }
            self.remove(slot);
        }
    }

    /// Cached articles.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes held: the tokens' heap data plus about 64 bytes of map overhead per entry.
    pub fn memory_bytes(&self) -> usize {
        self.bytes + self.entries.len() * (std::mem::size_of::<(u32, (Tokens, u64))>() + 32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    #[test]
    fn least_recently_used_entry_goes_first() {
        let mut c = TokenCache::new(2);
        c.insert(1, tokenize("One two three."));
        c.insert(2, tokenize("Four five six."));
        assert!(c.touch(1));
        c.insert(3, tokenize("Seven eight nine."));
        c.trim(|_| true);
        assert!(c.get(1).is_some());
        assert!(c.get(2).is_none());
        assert!(c.get(3).is_some());
        assert_eq!(c.len(), 2);
        c.trim(|s| s != 1);
        assert!(c.get(1).is_none());
        assert_eq!(c.len(), 1);
        assert!(c.memory_bytes() > 0);
    }

    #[test]
    fn zero_capacity_caches_nothing() {
        let mut c = TokenCache::new(0);
        c.insert(1, tokenize("One two three."));
        assert!(c.get(1).is_none());
        assert_eq!(c.memory_bytes(), 0);
    }
}
