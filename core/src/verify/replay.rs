//! What a counter remembers: the presentations it accepted, so a second scan
//! of the same one is reported as *already verified* rather than silently
//! valid.
//!
//! A presentation is remembered by the SHA-256 of the transcript its holder
//! signed (credential, disclosed fields, time, lifetime, request), truncated
//! to 16 bytes, so re-encoding it or swapping in another valid signature over
//! the same transcript does not make it new. Entries are kept until the
//! presentation could no longer pass the freshness check anyway (its time +
//! lifetime + skew), and at most [`DEFAULT_CAPACITY`] of them: memory is
//! bounded at about 64 bytes per entry (≈ 0.7 MB at 10,000). When full, the
//! oldest entry goes first; a replay of an evicted presentation within its
//! lifetime is then not noticed (a counter that accepts more than 10,000
//! holder-bound scans a minute should raise the capacity).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::time::UnixTime;

/// Presentations remembered at most, by default.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Key of a remembered presentation: truncated SHA-256 of its transcript.
pub(crate) type ScanKey = [u8; 16];

#[derive(Debug, Clone, Default)]
struct Inner {
    /// First acceptance time by key.
    seen: HashMap<ScanKey, UnixTime>,
    /// Keys in acceptance order, with the time after which each may be forgotten.
    order: VecDeque<(ScanKey, UnixTime)>,
}

/// The accepted presentations of one counter (bounded; see the module docs).
#[derive(Debug)]
pub struct SeenPresentations {
    capacity: usize,
    inner: Mutex<Inner>,
}

impl Clone for SeenPresentations {
    fn clone(&self) -> Self {
        SeenPresentations {
            capacity: self.capacity,
            inner: Mutex::new(self.lock().clone()),
        }
    }
}

impl Default for SeenPresentations {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl SeenPresentations {
    /// Remembers at most `capacity` presentations (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        SeenPresentations {
            capacity: capacity.max(1),
            inner: Mutex::new(Inner::default()),
        }
    }

    /// How many presentations are remembered now.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock still guards a consistent map (every update is one
        // insert/remove pair), so keep using it.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// When `key` was first accepted, if it is remembered (entries past
    /// their time are forgotten first).
    pub(crate) fn first_seen(&self, key: &ScanKey, now: UnixTime) -> Option<UnixTime> {
        let mut inner = self.lock();
        inner.forget_before(now);
        inner.seen.get(key).copied()
    }

    /// Remembers an accepted presentation until `until`.
    pub(crate) fn remember(&self, key: ScanKey, now: UnixTime, until: UnixTime) {
        let mut inner = self.lock();
        inner.forget_before(now);
        if inner.seen.contains_key(&key) {
            return;
        }
        while inner.order.len() >= self.capacity {
            if let Some((old, _)) = inner.order.pop_front() {
                inner.seen.remove(&old);
            }
        }
        inner.seen.insert(key, now);
        inner.order.push_back((key, until));
    }
}

impl Inner {
    fn forget_before(&mut self, now: UnixTime) {
        // Entries are appended in acceptance order; their end times are
        // close to monotonic, so stop at the first one still current.
        while let Some((key, until)) = self.order.front().copied() {
            if until >= now {
                break;
            }
            self.order.pop_front();
            self.seen.remove(&key);
        }
    }
}

/// Request nonces consumed at most, by default (one per answered request).
pub const DEFAULT_NONCE_CAPACITY: usize = 10_000;

/// The request nonces a counter already accepted an answer to: each request's
/// nonce is single-use. Bounded: at most `capacity` nonces (16 bytes each,
/// ≈ 0.3 MB at 10,000 with the set and the queue), oldest forgotten first; a
/// counter only accepts answers to the request it is expecting, so a nonce
/// evicted after 10,000 newer answered requests belongs to a request long
/// past the presentation lifetime.
#[derive(Debug)]
pub struct ConsumedNonces {
    capacity: usize,
    inner: Mutex<NonceSet>,
}

/// Consumed nonces, and the same in consumption order (for eviction).
type NonceSet = (std::collections::HashSet<[u8; 16]>, VecDeque<[u8; 16]>);

impl Default for ConsumedNonces {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_NONCE_CAPACITY)
    }
}

impl Clone for ConsumedNonces {
    fn clone(&self) -> Self {
        ConsumedNonces {
            capacity: self.capacity,
            inner: Mutex::new(self.lock().clone()),
        }
    }
}

impl ConsumedNonces {
    /// Remembers at most `capacity` nonces (at least 1).
    pub fn with_capacity(capacity: usize) -> Self {
        ConsumedNonces {
            capacity: capacity.max(1),
            inner: Mutex::new(Default::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, NonceSet> {
        // Every update is one insert/remove pair: a poisoned lock is still consistent.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many nonces are remembered.
    pub fn len(&self) -> usize {
        self.lock().0.len()
    }

    /// Whether none is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether `nonce` was consumed.
    pub fn contains(&self, nonce: &[u8; 16]) -> bool {
        self.lock().0.contains(nonce)
    }

    /// Marks `nonce` consumed.
    pub(crate) fn consume(&self, nonce: [u8; 16]) {
        let mut inner = self.lock();
        if !inner.0.insert(nonce) {
            return;
        }
        inner.1.push_back(nonce);
        while inner.1.len() > self.capacity {
            if let Some(old) = inner.1.pop_front() {
                inner.0.remove(&old);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consumed_nonces_are_bounded() {
        let n = ConsumedNonces::with_capacity(2);
        n.consume([1; 16]);
        n.consume([1; 16]);
        n.consume([2; 16]);
        assert!(n.contains(&[1; 16]));
        n.consume([3; 16]);
        assert_eq!(n.len(), 2);
        assert!(!n.contains(&[1; 16]));
        assert!(n.contains(&[2; 16]) && n.contains(&[3; 16]));
    }

    #[test]
    fn capacity_bounds_memory_and_the_oldest_goes_first() {
        let seen = SeenPresentations::with_capacity(3);
        let t = UnixTime(1_000);
        for i in 0..5u8 {
            seen.remember([i; 16], t, t.plus(100));
        }
        assert_eq!(seen.len(), 3);
        assert_eq!(seen.first_seen(&[0; 16], t), None);
        assert_eq!(seen.first_seen(&[1; 16], t), None);
        assert_eq!(seen.first_seen(&[4; 16], t), Some(t));
    }

    #[test]
    fn entries_are_forgotten_after_their_time() {
        let seen = SeenPresentations::default();
        let t = UnixTime(1_000);
        seen.remember([7; 16], t, t.plus(90));
        assert_eq!(seen.first_seen(&[7; 16], t.plus(90)), Some(t));
        assert_eq!(seen.first_seen(&[7; 16], t.plus(91)), None);
        assert!(seen.is_empty());
    }
}
