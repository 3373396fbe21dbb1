//! Status-slot allocation arithmetic (the engines run it inside the
//! transaction that records the licenses, under the allocator's row lock).

use crate::error::{RegistryError, Result};

/// The allocator's state: the list being filled and its next free index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocState {
    /// Current list id.
    pub list: u32,
    /// Next free index in it.
    pub next: u64,
    /// Entries per list.
    pub size: u64,
}

/// A run of consecutive slots in one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// List id.
    pub list: u32,
    /// First index.
    pub start: u64,
    /// Number of slots.
    pub len: u64,
}

/// Takes `n` slots from `state`: returns the runs (in order) and the new state.
/// A full list rolls over to the next list id at index 0; list ids never wrap.
pub fn take(state: AllocState, n: u64) -> Result<(Vec<Run>, AllocState)> {
    if state.size == 0 || state.next > state.size {
        return Err(RegistryError::Storage(format!(
            "allocator state corrupt: next {} of size {}",
            state.next, state.size
        )));
    }
    let mut runs = Vec::new();
    let mut s = state;
    let mut left = n;
    while left > 0 {
        if s.next == s.size {
            s.list = s
                .list
                .checked_add(1)
                .ok_or(RegistryError::IndexSpaceExhausted)?;
            s.next = 0;
        }
        let len = left.min(s.size - s.next);
        runs.push(Run {
            list: s.list,
            start: s.next,
            len,
        });
        s.next += len;
        left -= len;
    }
    Ok((runs, s))
}

/// The slots of `runs`, in order.
pub fn slots(runs: &[Run]) -> impl Iterator<Item = (u32, u64)> + '_ {
    runs.iter()
        .flat_map(|r| (r.start..r.start + r.len).map(move |i| (r.list, i)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_consecutive_slots_and_rolls_over() {
        let s = AllocState {
            list: 0,
            next: 6,
            size: 8,
        };
        let (runs, s2) = take(s, 5).expect("take");
        assert_eq!(
            runs,
            vec![
                Run {
                    list: 0,
                    start: 6,
                    len: 2
                },
                Run {
                    list: 1,
                    start: 0,
                    len: 3
                }
            ]
        );
        assert_eq!(
            s2,
            AllocState {
                list: 1,
                next: 3,
                size: 8
            }
        );
        let got: Vec<_> = slots(&runs).collect();
        assert_eq!(got, vec![(0, 6), (0, 7), (1, 0), (1, 1), (1, 2)]);
    }

    #[test]
    fn a_full_list_rolls_over_only_when_a_slot_is_needed() {
        let s = AllocState {
            list: 3,
            next: 8,
            size: 8,
        };
        assert_eq!(take(s, 0).expect("take 0"), (vec![], s));
        let (runs, _) = take(s, 1).expect("take 1");
        assert_eq!(
            runs,
            vec![Run {
                list: 4,
                start: 0,
                len: 1
            }]
        );
    }

    #[test]
    fn many_lists_in_one_take() {
        let s = AllocState {
            list: 0,
            next: 0,
            size: 8,
        };
        let (runs, s2) = take(s, 8 * 5 + 1).expect("take");
        assert_eq!(runs.len(), 6);
        assert_eq!(slots(&runs).count(), 41);
        assert_eq!((s2.list, s2.next), (5, 1));
    }

    #[test]
    fn list_ids_never_wrap() {
        let s = AllocState {
            list: u32::MAX,
            next: 8,
            size: 8,
        };
        assert_eq!(take(s, 1), Err(RegistryError::IndexSpaceExhausted));
    }

    #[test]
    fn corrupt_state_is_an_error() {
        let s = AllocState {
            list: 0,
            next: 9,
            size: 8,
        };
        assert!(matches!(take(s, 1), Err(RegistryError::Storage(_))));
    }
}
