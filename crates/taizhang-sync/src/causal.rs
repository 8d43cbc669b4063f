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

/// Pushes of one device closer together than this are one sync session (a backlog cut into
/// batches arrives as several requests a few seconds or minutes apart).
pub const SESSION_GAP_MS: i64 = 10 * 60_000;

/// The device floor of each change: the start of the previous sync session of the same actor
/// (device) that pushed anything. A device pushes everything it holds at every sync, so a
/// change that arrives in a later session was made after the earlier session began. Sessions
/// are runs of receipts less than `session_gap_ms` apart. Changes of an actor's first
/// session have no floor. This is what catches a record written today but dated months ago
/// into a month's document the device never touched (no dependency to prove anything).
///
/// Known blind spot, on the safe side: a sync that pushes nothing leaves no trace, so the
/// floor is the last session that pushed (earlier, so fewer flags, never a false one).
pub fn device_floors(changes: &[crate::ChangeTime], session_gap_ms: i64) -> HashMap<Hash, i64> {
    let mut by_actor: HashMap<&[u8], Vec<&crate::ChangeTime>> = HashMap::new();
    for c in changes {
        by_actor.entry(c.actor.as_slice()).or_default().push(c);
    }
    let mut floors = HashMap::new();
    for (_, mut mine) in by_actor {
        mine.sort_by_key(|c| (c.received_at, c.seq));
        // (start of the current session, start of the previous one)
        let mut current: Option<(i64, i64)> = None;
        let mut previous_start: Option<i64> = None;
        for c in mine {
            match current {
                Some((start, last)) if c.received_at - last < session_gap_ms => {
                    current = Some((start, c.received_at));
                }
                Some((start, _)) => {
                    previous_start = Some(start);
                    current = Some((c.received_at, c.received_at));
                }
                None => current = Some((c.received_at, c.received_at)),
            }
            if let Some(p) = previous_start {
                floors.insert(c.hash, p);
            }
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

    fn timed(n: u8, actor: u8, seq: u64, received_at: i64) -> crate::ChangeTime {
        crate::ChangeTime { seq, doc: "log".into(), hash: h(n), actor: vec![actor], device_time: 0, received_at }
    }

    #[test]
    fn a_device_floor_is_the_start_of_its_previous_session() {
        const MIN: i64 = 60_000;
        let floors = device_floors(
            &[
                // Device 1: a session at t=0 (two batches 3 minutes apart), another a week later.
                timed(1, 1, 1, 0),
                timed(2, 1, 2, 3 * MIN),
                timed(3, 1, 3, 7 * 24 * 60 * MIN),
                timed(4, 1, 4, 7 * 24 * 60 * MIN + MIN),
                // Device 2: one session only.
                timed(5, 2, 5, 5 * MIN),
            ],
            SESSION_GAP_MS,
        );
        assert_eq!(floors.get(&h(1)), None, "the first session has no floor");
        assert_eq!(floors.get(&h(2)), None, "a second batch of the same session has none either");
        assert_eq!(floors.get(&h(3)), Some(&0));
        assert_eq!(floors.get(&h(4)), Some(&0));
        assert_eq!(floors.get(&h(5)), None);
    }
}
