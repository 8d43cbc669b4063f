//! Clock skew: the server keeps, beside every change's device time, the time it first received
//! it. A device clock that runs ahead (a change "made" after the server received it), far behind
//! (older than any plausible offline stretch) or set back between an actor's changes is flagged
//! here, so that county staff see which records' times are not to be trusted. Merging never
//! uses these times (Automerge orders by causality and actor), so a wrong clock cannot win a
//! conflict; the flags only tell people.

use crate::Hash;

/// One stored change's times, in log order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTime {
    /// Position in the village's log (the order the server received changes in).
    pub seq: u64,
    pub doc: String,
    pub hash: Hash,
    pub actor: Vec<u8>,
    /// What the device's clock said (UTC ms); 0 means the change carries no time.
    pub device_time: i64,
    /// The server's clock when it first received the change (UTC ms).
    pub received_at: i64,
}

/// What is wrong with a change's device time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockFlag {
    /// Made "after" the server received it: the device clock runs ahead by `by_ms`.
    Ahead { by_ms: i64 },
    /// Older than any plausible offline stretch when it arrived (`by_ms` before receipt).
    Behind { by_ms: i64 },
    /// Earlier than a previous change of the same device by `by_ms`: its clock was set back.
    SetBack { by_ms: i64 },
}

/// Tolerances; the defaults allow for clock drift and for a month or two without signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkewLimits {
    pub ahead_ms: i64,
    pub behind_ms: i64,
    pub set_back_ms: i64,
}

impl Default for SkewLimits {
    fn default() -> Self {
        Self { ahead_ms: 5 * 60_000, behind_ms: 62 * 86_400_000, set_back_ms: 5 * 60_000 }
    }
}

/// Flags the changes whose device time is not to be trusted, as (index into `changes`,
/// flag); a change may get two flags. `changes` may come in any order: log order is
/// restored by `seq`.
pub fn clock_flags(changes: &[ChangeTime], limits: &SkewLimits) -> Vec<(usize, ClockFlag)> {
    let mut order: Vec<usize> = (0..changes.len()).collect();
    order.sort_by_key(|&i| changes[i].seq);
    let mut latest: std::collections::HashMap<&[u8], i64> = std::collections::HashMap::new();
    let mut flags = Vec::new();
    for i in order {
        let c = &changes[i];
        if c.device_time == 0 {
            continue;
        }
        if c.device_time > c.received_at + limits.ahead_ms {
            flags.push((i, ClockFlag::Ahead { by_ms: c.device_time - c.received_at }));
        }
        if c.received_at - c.device_time > limits.behind_ms {
            flags.push((i, ClockFlag::Behind { by_ms: c.received_at - c.device_time }));
        }
        let seen = latest.entry(c.actor.as_slice()).or_insert(c.device_time);
        if c.device_time < *seen - limits.set_back_ms {
            flags.push((i, ClockFlag::SetBack { by_ms: *seen - c.device_time }));
        }
        *seen = (*seen).max(c.device_time);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ct(seq: u64, actor: u8, device_time: i64, received_at: i64) -> ChangeTime {
        ChangeTime { seq, doc: "log".into(), hash: [seq as u8; 32], actor: vec![actor], device_time, received_at }
    }

    #[test]
    fn worked_examples() {
        let day = 86_400_000;
        let t = 1_795_536_000_000;
        let changes = vec![
            ct(1, 1, t - day, t),                  // a day offline: fine
            ct(2, 2, t + 365 * day, t),            // a year ahead
            ct(3, 3, t - 365 * day, t),            // a year behind
            ct(4, 4, t, t),                        // fine ...
            ct(5, 4, t - 3 * day, t + 1000),       // ... then set back three days
            ct(6, 5, 0, t),                        // no time at all: not judged
            ct(7, 1, t - day + 4 * 60_000, t + 1), // drift within tolerance
        ];
        let flags = clock_flags(&changes, &SkewLimits::default());
        assert_eq!(
            flags,
            vec![
                (1, ClockFlag::Ahead { by_ms: 365 * day }),
                (2, ClockFlag::Behind { by_ms: 365 * day }),
                (4, ClockFlag::SetBack { by_ms: 3 * day }),
            ]
        );
    }
}
