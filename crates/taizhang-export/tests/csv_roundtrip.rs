//! Property: any table of text cells comes back, field for field, from a plain RFC 4180 reader
//! (with the formula guard's apostrophe being the only change).

use proptest::prelude::*;
use taizhang_export::{to_csv, Cell, Table};

/// A small RFC 4180 reader: records end with CRLF, fields are split by commas, a quoted field
/// may hold commas, CR, LF and doubled quotes. A blank line is a record of one empty field.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{FEFF}').expect("starts with a BOM");
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = body.chars().peekable();
    let mut at_field_start = true;
    while let Some(ch) = chars.next() {
        if at_field_start && ch == '"' {
            // Quoted field: up to the lone closing quote.
            loop {
                match chars.next().expect("quoted field is closed") {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => break,
                    c => field.push(c),
                }
            }
            at_field_start = false;
            continue;
        }
        at_field_start = false;
        match ch {
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' => {
                assert_eq!(chars.next(), Some('\n'), "CR outside quotes only ends a record");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            '"' => panic!("quote inside an unquoted field"),
            '\n' => panic!("bare LF outside quotes"),
            c => field.push(c),
        }
    }
    assert!(record.is_empty() && field.is_empty(), "the last record ends with CRLF");
    records
}

/// What the writer is meant to put in the file for a text: itself, after the formula guard.
fn guarded(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        // The characters that matter to CSV and to the guard, with Chinese around them.
        "[a-z,\"\r\n=+@\t' 张三村-]{0,10}",
        any::<String>(),
    ]
}

fn table() -> impl Strategy<Value = Table> {
    (1usize..6).prop_flat_map(|columns| {
        (prop::collection::vec(text(), columns), prop::collection::vec(prop::collection::vec(text(), columns), 0..8))
            .prop_map(|(headers, rows)| Table {
                title: "随机".into(),
                headers,
                rows: rows.into_iter().map(|row| row.into_iter().map(Cell::Text).collect()).collect(),
            })
    })
}

proptest! {
    #[test]
    fn text_tables_round_trip(table in table()) {
        let bytes = to_csv(&table).expect("a rectangular table exports");
        let text = String::from_utf8(bytes).expect("CSV is UTF-8");
        let parsed = parse_csv(&text);

        let expected: Vec<Vec<String>> = std::iter::once(table.headers.iter().map(|h| guarded(h)).collect())
            .chain(table.rows.iter().map(|row| {
                row.iter()
                    .map(|cell| match cell {
                        Cell::Text(s) => guarded(s),
                        other => panic!("only text cells are generated, got {other:?}"),
                    })
                    .collect()
            }))
            .collect();
        prop_assert_eq!(parsed, expected);
    }
}
