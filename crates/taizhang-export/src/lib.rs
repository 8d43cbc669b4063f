//! Exports of the county view (issue 5): a [`Table`] of typed cells written as CSV or as an
//! Excel workbook, into bytes. Pure: no files, no clock; the server streams the bytes and the
//! `pull` command writes them.
//!
//! - [`to_csv`]: UTF-8 with a BOM, CRLF, RFC 4180 quoting, a guard against formula injection.
//! - [`to_xlsx`] / [`to_xlsx_many`]: one sheet per table, bold frozen header with an autofilter.
//!
//! Both check the table first ([`Table::validate`]); the workbook also checks Excel's limits.
//! Every failure is an [`ExportError`] whose message says what to change.

use chrono::NaiveDate;

mod csv;
mod xlsx;

pub use csv::to_csv;
pub use xlsx::{to_xlsx, to_xlsx_many};

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    Number(f64),
    Date(NaiveDate),
    /// Written as 是 / 否.
    Bool(bool),
}

/// A sheet: a title (the sheet name in Excel), Chinese column headers, rows of cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Why a table could not be exported. Each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A row does not have one cell per header.
    #[error(
        "row {row} of table \"{table}\" (index into Table::rows) has {found} cells but the table has {expected} \
         headers: give every row exactly one cell per header, using Cell::Empty for a blank"
    )]
    RowLength { table: String, row: usize, expected: usize, found: usize },

    /// A `Cell::Number` is NaN or infinite: neither CSV readers nor Excel can hold it.
    #[error(
        "cell {cell} of table \"{table}\" holds a number that is NaN or infinite, which Excel cannot store: \
         compute a finite value (check for a division by zero) or use Cell::Empty"
    )]
    NotFinite { table: String, cell: String },

    /// More data rows than an Excel sheet holds below its header row.
    #[error(
        "table \"{table}\" has {rows} data rows but an Excel sheet holds at most {max} below the header: \
         narrow the export (e.g. by township or date range) or split it into several tables"
    )]
    TooManyRows { table: String, rows: usize, max: usize },

    /// More columns than an Excel sheet holds.
    #[error(
        "table \"{table}\" has {columns} columns but an Excel sheet holds at most {max}: \
         export fewer columns or split them into several tables"
    )]
    TooManyColumns { table: String, columns: usize, max: usize },

    /// A text cell (or header) longer than Excel allows in one cell.
    #[error(
        "cell {cell} of table \"{table}\" holds {chars} characters (UTF-16 units) but an Excel cell holds \
         at most {max}: shorten the text or leave that column out of the Excel export"
    )]
    CellTooLong { table: String, cell: String, chars: usize, max: usize },

    /// `to_xlsx_many` was given no tables; a workbook needs at least one sheet.
    #[error("no tables to export: pass at least one Table (a table with headers and no rows is fine)")]
    NoTables,

    /// The xlsx writer failed; the message is the writer's own.
    #[error("the Excel writer failed ({0}): this is a bug in the export, report it with the table that was exported")]
    Xlsx(String),
}

impl Table {
    /// A table with headers and no rows yet.
    pub fn new<H: Into<String>>(title: impl Into<String>, headers: impl IntoIterator<Item = H>) -> Self {
        Self { title: title.into(), headers: headers.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    /// What both [`to_csv`] and [`to_xlsx`] require: every row has exactly one cell per header
    /// and every number is finite. (Excel's size limits are checked by the xlsx writers only.)
    pub fn validate(&self) -> Result<(), ExportError> {
        let expected = self.headers.len();
        for (r, row) in self.rows.iter().enumerate() {
            if row.len() != expected {
                return Err(ExportError::RowLength { table: self.title.clone(), row: r, expected, found: row.len() });
            }
            for (c, cell) in row.iter().enumerate() {
                if matches!(cell, Cell::Number(n) if !n.is_finite()) {
                    return Err(ExportError::NotFinite { table: self.title.clone(), cell: cell_ref(r + 1, c) });
                }
            }
        }
        Ok(())
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

impl From<f64> for Cell {
    fn from(n: f64) -> Self {
        Cell::Number(n)
    }
}

impl From<bool> for Cell {
    fn from(b: bool) -> Self {
        Cell::Bool(b)
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Self {
        Cell::Date(d)
    }
}

/// `None` is [`Cell::Empty`].
impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

/// The Excel reference ("C5") of a 0-based sheet row (0 = header row) and column, for messages.
pub(crate) fn cell_ref(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(row + 1).to_string()
}

#[cfg(test)]
mod tests {
    use super::cell_ref;

    #[test]
    fn cell_refs() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(4, 2), "C5");
        assert_eq!(cell_ref(9, 25), "Z10");
        assert_eq!(cell_ref(0, 26), "AA1");
        assert_eq!(cell_ref(0, 16_383), "XFD1");
    }
}
