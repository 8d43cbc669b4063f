//! The device's time anchor (issue 17), carried in each change's message: the server time of
//! the device's last sync answer plus the device's elapsed boot-clock time since then. The
//! boot clock keeps counting through sleep and cannot be set by the user, so the sum estimates
//! the true moment a change was made even when the phone's wall clock was moved. The server
//! reads it back with [`ChangeAnchor::parse`] and compares it with the record's claimed time
//! (`taizhang_rules::judge_record`); it is evidence, never a gate, and a change without one
//! (an older app, a reboot since the last sync) proves nothing either way.

/// What a change says about when it was made, by the device's own monotonic reckoning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeAnchor {
    /// The server's clock in the answer of the device's last sync (UTC ms).
    pub server_time: i64,
    /// Boot-clock milliseconds between receiving that answer and making the change.
    pub elapsed_ms: i64,
}

const PREFIX: &str = "tz-anchor/1 ";

/// Elapsed times beyond this (about three years) are not believed.
const MAX_ELAPSED_MS: i64 = 1_000 * 86_400_000;

impl ChangeAnchor {
    /// The change message that carries this anchor.
    pub fn to_message(self) -> String {
        format!("{PREFIX}{} {}", self.server_time, self.elapsed_ms)
    }

    /// Reads an anchor from a change message (one of its lines: a message may carry other
    /// notes, e.g. the author, one per line); `None` when no line is an anchor that holds
    /// together (negative or absurd elapsed time, a server time before 2020).
    pub fn parse(message: &str) -> Option<Self> {
        message.lines().find_map(Self::parse_line)
    }

    fn parse_line(line: &str) -> Option<Self> {
        let rest = line.strip_prefix(PREFIX)?;
        let mut parts = rest.split(' ');
        let server_time: i64 = parts.next()?.parse().ok()?;
        let elapsed_ms: i64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() || server_time < 1_577_836_800_000 || !(0..=MAX_ELAPSED_MS).contains(&elapsed_ms) {
            return None;
        }
        Some(Self { server_time, elapsed_ms })
    }

    /// The estimated true time of the change (UTC ms).
    pub fn estimate(self) -> i64 {
        self.server_time.saturating_add(self.elapsed_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_anchor_reads_back_and_estimates_the_time() {
        let a = ChangeAnchor { server_time: 1_795_536_000_000, elapsed_ms: 3_600_000 };
        assert_eq!(ChangeAnchor::parse(&a.to_message()), Some(a));
        assert_eq!(a.estimate(), 1_795_539_600_000);
        let with_author = format!("tz-author/1 0193\n{}", a.to_message());
        assert_eq!(ChangeAnchor::parse(&with_author), Some(a), "one line among others");
    }

    #[test]
    fn other_messages_and_nonsense_are_no_anchor() {
        for m in [
            "",
            "hello",
            "tz-anchor/1 ",
            "tz-anchor/1 1795536000000",
            "tz-anchor/1 1795536000000 -5",
            "tz-anchor/1 1795536000000 5 6",
            "tz-anchor/1 12 5",
            "tz-anchor/2 1795536000000 5",
            "tz-anchor/1 1795536000000 99999999999999",
        ] {
            assert_eq!(ChangeAnchor::parse(m), None, "{m:?}");
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".*") {
            let _ = ChangeAnchor::parse(&s);
        }
    }
}
