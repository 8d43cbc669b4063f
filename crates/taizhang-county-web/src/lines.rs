//! County pages' lines kept between requests (issue 23): a page that shows one line per
//! village (the overview, who is at post) computes a village's line again only when
//! something it is made of moved. A line is kept under the SHA-256 of everything it depends
//! on — the page's own terms (period, today, the county's policy), the village's place (name,
//! township), its log position (`ServerStore::log_positions`: the records only change when
//! the log grows) and what people entered for its members (the county inputs: day checks) —
//! so a kept line is never stale: any change gives another key. What a request costs for a
//! village that did not move is one log position and one hash, instead of reading its
//! projection and running the rules over a year of records.
//!
//! The key is read before the line is computed, so a line may be newer than its key (a sync
//! landed in between); the next request then finds the log moved and computes it again.
//! Memory is bounded ([`MAX_LINES`] per page, a few hundred bytes each): a province's
//! villages fit, and past that the lines are dropped and computed again.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};
use taizhang_county::VillageInfo;
use taizhang_server_db::CountyInput;
use uuid::Uuid;

/// Most lines one page keeps (ten thousand villages and more).
pub const MAX_LINES: usize = 20_000;

/// The key a line is kept under.
pub type LineKey = [u8; 32];

/// How a page's lines were served since the process started.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineStats {
    /// Lines answered from what was kept.
    pub reused: u64,
    /// Lines computed (not kept, or something they depend on moved).
    pub computed: u64,
}

/// One page's lines, by village.
#[derive(Debug)]
pub struct Kept<R> {
    lines: Mutex<HashMap<Uuid, (LineKey, R)>>,
    stats: Mutex<LineStats>,
}

impl<R> Default for Kept<R> {
    fn default() -> Self {
        Self { lines: Mutex::new(HashMap::new()), stats: Mutex::new(LineStats::default()) }
    }
}

impl<R: Clone> Kept<R> {
    /// The line kept for `village` under `key`, if that is the one kept.
    pub fn get(&self, village: Uuid, key: &LineKey) -> Option<R> {
        let lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        let line = lines.get(&village).filter(|(k, _)| k == key).map(|(_, r)| r.clone());
        let mut stats = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        match line.is_some() {
            true => stats.reused += 1,
            false => stats.computed += 1,
        }
        line
    }

    /// Keeps `line` for `village` under `key` (replacing the village's older one).
    pub fn put(&self, village: Uuid, key: LineKey, line: R) {
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        if lines.len() >= MAX_LINES && !lines.contains_key(&village) {
            lines.clear();
        }
        lines.insert(village, (key, line));
    }

    /// How this page's lines were served.
    pub fn stats(&self) -> LineStats {
        *self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The lines of the pages that have one per village.
#[derive(Debug, Default)]
pub struct Lines {
    /// `GET /county/api/overview`.
    pub overview: Kept<taizhang_county::VillageSummary>,
    /// `GET /county/api/at-post`.
    pub at_post: Kept<taizhang_county::AtPostVillage>,
}

/// The key of a village's line: the page's terms (`terms`, already encoded by the page), the
/// village's place, its log position and the county inputs entered for it (`inputs`: the
/// village's rows, in the store's order).
pub fn line_key(terms: &[u8], info: &VillageInfo, position: u64, inputs: &[&CountyInput]) -> LineKey {
    let mut h = Sha256::new();
    let mut field = |bytes: &[u8]| {
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    field(b"taizhang-county-line-v1");
    field(terms);
    field(info.id.as_bytes());
    field(info.name.as_bytes());
    field(info.township.as_bytes());
    field(&position.to_le_bytes());
    for row in inputs {
        field(row.member.as_bytes());
        field(row.period.as_bytes());
        field(row.data.as_bytes());
    }
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(name: &str) -> VillageInfo {
        VillageInfo { id: Uuid::from_u128(7), name: name.into(), township: "镇".into() }
    }

    fn input(data: &str) -> CountyInput {
        CountyInput {
            village: Uuid::from_u128(7),
            member: Uuid::from_u128(9),
            period: "evidence-2026".into(),
            data: data.into(),
            updated_by: Uuid::from_u128(1),
            updated_at: 5,
        }
    }

    #[test]
    fn a_line_key_moves_with_everything_the_line_is_made_of() {
        let (a, b) = (input("{\"d\":1}"), input("{\"d\":2}"));
        let base = line_key(b"2026-12", &info("东村"), 10, &[&a]);
        assert_eq!(base, line_key(b"2026-12", &info("东村"), 10, &[&a]), "the same inputs, the same key");
        let others = [
            line_key(b"2026-11", &info("东村"), 10, &[&a]),
            line_key(b"2026-12", &info("西村"), 10, &[&a]),
            line_key(b"2026-12", &info("东村"), 11, &[&a]),
            line_key(b"2026-12", &info("东村"), 10, &[&b]),
            line_key(b"2026-12", &info("东村"), 10, &[]),
            line_key(b"2026-12", &info("东村"), 10, &[&a, &a]),
        ];
        for (i, k) in others.iter().enumerate() {
            assert_ne!(*k, base, "change {i} must give another key");
        }
        // Fields are length-prefixed: moving a byte from one field to the next is another key.
        assert_ne!(line_key(b"ab", &info("c"), 1, &[]), line_key(b"a", &info("bc"), 1, &[]));
    }

    #[test]
    fn a_kept_line_answers_only_its_own_key_and_memory_stays_bounded() {
        let kept: Kept<u32> = Kept::default();
        let (v, k1, k2) = (Uuid::from_u128(1), [1u8; 32], [2u8; 32]);
        assert_eq!(kept.get(v, &k1), None);
        kept.put(v, k1, 10);
        assert_eq!(kept.get(v, &k1), Some(10));
        assert_eq!(kept.get(v, &k2), None, "a moved key is computed again");
        kept.put(v, k2, 20);
        assert_eq!(kept.get(v, &k1), None, "the older line is replaced");
        assert_eq!(kept.stats(), LineStats { reused: 1, computed: 3 });
        for i in 0..(MAX_LINES as u128 + 5) {
            kept.put(Uuid::from_u128(1000 + i), k1, 1);
        }
        assert!(kept.lines.lock().unwrap().len() <= MAX_LINES);
    }
}
