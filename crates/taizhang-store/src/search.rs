//! The search key of a household or a family member (issue 16): the texts themselves, their
//! full pinyin and their pinyin initials, lower case, so 王大山 is found by "王大", "wangdashan",
//! "wds" or "dashan". Computed when a record is materialised, matched with `instr` at query time.

use pinyin::ToPinyin;

/// One line per text: `text full-pinyin initials`, texts separated by `|`.
pub fn search_key(texts: &[&str]) -> String {
    let mut out = String::new();
    for t in texts.iter().map(|t| t.trim()).filter(|t| !t.is_empty()) {
        let mut full = String::new();
        let mut initials = String::new();
        for c in t.chars() {
            match c.to_pinyin() {
                Some(p) => {
                    full.push_str(p.plain());
                    initials.push_str(p.first_letter());
                }
                None if c.is_alphanumeric() => {
                    let lower = c.to_lowercase().to_string();
                    full.push_str(&lower);
                    initials.push_str(&lower);
                }
                None => {}
            }
        }
        if !out.is_empty() {
            out.push('|');
        }
        out.push_str(&t.to_lowercase());
        out.push(' ');
        out.push_str(&full);
        out.push(' ');
        out.push_str(&initials);
    }
    out
}

/// The needle as the key is spelled: trimmed, lower case, spaces removed (so "wang da shan"
/// finds wangdashan).
pub(crate) fn needle(q: &str) -> Option<String> {
    let n: String = q.trim().to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    (!n.is_empty()).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_full_pinyin_and_initials() {
        let k = search_key(&["王大山", "12号"]);
        assert_eq!(k, "王大山 wangdashan wds|12号 12hao 12h");
        assert!(k.contains(&needle(" WDS ").expect("needle")));
        assert!(k.contains(&needle("wang da").expect("needle")));
        assert_eq!(needle("  "), None);
    }
}
