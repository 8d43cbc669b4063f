//! Causal time floors: the earliest moment a change can have been made, proven by the server's
//! own receipt times. A change depends on the document's heads on the device that made it; a
//! dependency the server had received in an *earlier* request was on the server before that
//! device could hold it (it was pushed from there, or pulled from the server after that
//! moment), so the change was made after that receipt. A dependency that arrived in the *same*
//! request proves nothing by itself (a week offline pushes a week of changes at once), but its
//! own floor carries over, transitively.
//!
//! The floors only *inform* (issue 17): a record dated before its change's floor is flagged,
//! never refused. Pure: the caller passes the changes with their receipt times.

use std::collections::HashMap;

use crate::Hash;

/// One stored change: its hash, the hashes it depends on, and when the server first received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CausalChange {
    pub hash: Hash,
    pub deps: Vec<Hash>,
    /// Position in the village's log (dependencies come before the change).
    pub seq: u64,
    /// The server's clock when it first received the change (UTC ms).
    pub received_at: i64,
}

/// The floor of each change that has one: the latest server receipt time of anything it
/// depends on that arrived in an earlier request (transitively through same-request
/// dependencies). Changes with no such dependency have no floor. Dependencies not in `changes`
/// are ignored. `changes` may come in any order: log order is restored by `seq`.
pub fn causal_floors(changes: &[CausalChange]) -> HashMap<Hash, i64> {
    let mut order: Vec<&CausalChange> = changes.iter().collect();
    order.sort_by_key(|c| c.seq);
    let received: HashMap<Hash, i64> = changes.iter().map(|c| (c.hash, c.received_at)).collect();
    let mut floors: HashMap<Hash, i64> = HashMap::new();
    for c in order {
        let mut floor: Option<i64> = None;
        for d in &c.deps {
            let Some(&at) = received.get(d) else { continue };
            let carried = if at < c.received_at { Some(at) } else { floors.get(d).copied() };
            floor = floor.max(carried);
        }
        if let Some(f) = floor {
            floors.insert(c.hash, f);
        }
    }
    floors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(n: u8) -> Hash {
        [n; 32]
    }

    fn change(n: u8, deps: &[u8], seq: u64, received_at: i64) -> CausalChange {
        CausalChange { hash: h(n), deps: deps.iter().map(|&d| h(d)).collect(), seq, received_at }
    }

    #[test]
    fn a_dependency_received_in_an_earlier_request_is_the_floor() {
        // 1 arrived at t=100; 2, made on a device that held 1, arrived at t=500.
        let floors = causal_floors(&[change(1, &[], 1, 100), change(2, &[1], 2, 500)]);
        assert_eq!(floors.get(&h(1)), None);
        assert_eq!(floors.get(&h(2)), Some(&100));
    }

    #[test]
    fn three_weeks_offline_in_one_request_carries_the_last_sync_only() {
        // The device last synced when 1 arrived (t=100); then made 2, 3, 4 offline, one on top
        // of the other, and pushed them together at t=9_000: every one's floor is 100.
        let floors = causal_floors(&[
            change(1, &[], 1, 100),
            change(2, &[1], 2, 9_000),
            change(3, &[2], 3, 9_000),
            change(4, &[3], 4, 9_000),
        ]);
        assert_eq!([floors[&h(2)], floors[&h(3)], floors[&h(4)]], [100, 100, 100]);
    }

    #[test]
    fn the_latest_earlier_dependency_wins_and_order_is_restored_by_seq() {
        // A merge change depends on a colleague's change received at 300 and its own at 200.
        let floors = causal_floors(&[
            change(4, &[2, 3], 4, 800),
            change(3, &[1], 3, 300),
            change(2, &[1], 2, 200),
            change(1, &[], 1, 100),
        ]);
        assert_eq!(floors[&h(4)], 300);
        assert_eq!(floors[&h(3)], 100);
    }

    #[test]
    fn unknown_dependencies_give_no_floor() {
        let floors = causal_floors(&[change(2, &[9], 1, 500)]);
        assert!(floors.is_empty());
    }
}
