//! The CSV export: what county staff open by double-click in Excel (or WPS), so it is written
//! the way those read it, and guarded against cells that Excel would run as formulas.

use crate::{Cell, ExportError, Table};

/// Excel only reads a CSV as UTF-8 when it starts with a byte order mark; without it, a
/// Chinese Windows reads GBK and every header comes out garbled.
const BOM: char = '\u{FEFF}';

/// Writes the table as CSV: UTF-8 with a BOM, CRLF line ends, the header row first, fields
/// quoted as RFC 4180 says (when they hold a comma, a quote, CR or LF; quotes doubled).
///
/// - `Date` is `YYYY-MM-DD`, `Bool` is 是 / 否, `Empty` is an empty field.
/// - `Int` and `Number` are plain numbers (`10`, `9.5`: no needless trailing zeros, never an
///   exponent) and are never prefixed.
/// - Any other field (text, header, date) that starts with `=`, `+`, `-`, `@`, a tab or a CR
///   gets a leading `'`. Names and notes are typed on field devices by many hands and the file
///   is opened by county staff in Excel, which runs such a field as a formula (e.g.
///   `=HYPERLINK(...)` or a DDE command): the apostrophe makes it plain text. This is the
///   OWASP "CSV injection" defence; the price is a visible `'` before, say, a text "-5".
/// - A row that is one empty field is written as `""`, so that it is not read as a blank line.
///
/// Excel's size limits (rows, characters per cell) are not checked: a CSV may feed other tools.
///
/// # Errors
/// [`ExportError::RowLength`] or [`ExportError::NotFinite`] (see [`Table::validate`]).
pub fn to_csv(table: &Table) -> Result<Vec<u8>, ExportError> {
    table.validate()?;
    let mut out = String::with_capacity(64 * (table.rows.len() + 1));
    out.push(BOM);
    push_record(&mut out, table.headers.iter().map(|h| Field::Text(h)));
    for row in &table.rows {
        push_record(&mut out, row.iter().map(Field::from));
    }
    Ok(out.into_bytes())
}

/// One field as it is rendered: numbers are written bare, everything else through the guard.
enum Field<'a> {
    Text(&'a str),
    Owned(String),
    Number(String),
}

impl<'a> From<&'a Cell> for Field<'a> {
    fn from(cell: &'a Cell) -> Self {
        match cell {
            Cell::Empty => Field::Text(""),
            Cell::Text(s) => Field::Text(s),
            Cell::Int(n) => Field::Number(n.to_string()),
            Cell::Number(n) => Field::Number(format_number(*n)),
            Cell::Date(d) => Field::Owned(d.format("%Y-%m-%d").to_string()),
            Cell::Bool(b) => Field::Text(if *b { "是" } else { "否" }),
        }
    }
}

/// The shortest decimal that reads back as `n` (`10`, `9.5`, `0.1`), never in exponent form;
/// `-0` is written `0`.
pub(crate) fn format_number(n: f64) -> String {
    if n == 0.0 {
        "0".to_owned()
    } else {
        n.to_string()
    }
}

fn push_record<'a>(out: &mut String, fields: impl Iterator<Item = Field<'a>>) {
    let start = out.len();
    let mut count = 0usize;
    for field in fields {
        if count > 0 {
            out.push(',');
        }
        count += 1;
        match field {
            Field::Text(s) => push_text(out, s),
            Field::Owned(s) => push_text(out, &s),
            // Digits, '.', '-': nothing to quote, and a number is never a formula.
            Field::Number(s) => out.push_str(&s),
        }
    }
    if count == 1 && out.len() == start {
        out.push_str("\"\"");
    }
    out.push_str("\r\n");
}

/// Whether Excel would take a field starting like `s` for a formula.
pub(crate) fn needs_formula_guard(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

fn push_text(out: &mut String, s: &str) {
    let quote = s.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if needs_formula_guard(s) {
        out.push('\'');
    }
    if quote {
        for ch in s.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}
