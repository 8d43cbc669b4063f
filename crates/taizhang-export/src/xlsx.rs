//! The Excel export: county staff want a real workbook (typed numbers and dates, a frozen,
//! filterable header, one sheet per table) rather than a CSV that Excel has to guess at.

use std::collections::HashSet;

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use crate::csv::format_number;
use crate::{cell_ref, Cell, ExportError, Table};

/// Rows in an Excel sheet, the header row included.
const MAX_SHEET_ROWS: usize = 1_048_576;
/// Columns in an Excel sheet.
const MAX_SHEET_COLUMNS: usize = 16_384;
/// Characters (UTF-16 units) in one Excel cell.
const MAX_CELL_CHARS: usize = 32_767;
/// Characters (UTF-16 units) in a sheet name.
const MAX_SHEET_NAME: usize = 31;
/// Excel keeps 15 significant digits: a larger integer (an ID number kept as `Int`, say) would
/// lose its last digits, so it is written as text.
const MAX_EXACT_INT: i64 = 999_999_999_999_999;
/// Column widths, in Excel's units (about one Latin character; a Chinese one counts 2).
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// Writes one table as a workbook of one sheet; see [`to_xlsx_many`].
///
/// # Errors
/// As [`to_xlsx_many`].
pub fn to_xlsx(table: &Table) -> Result<Vec<u8>, ExportError> {
    to_xlsx_many(std::slice::from_ref(table))
}

/// Writes the tables as one workbook, one sheet per table, in order.
///
/// - The sheet name is the title made valid: `[ ] : * ? / \` and control characters become
///   `_`, leading/trailing apostrophes and spaces go, it is cut to 31 characters, an empty
///   title becomes `SheetN`; names equal (ignoring case, as Excel does) to an earlier one, or
///   to Excel's reserved `History`, get " (2)", " (3)", ….
/// - The header row is bold, frozen, and carries an autofilter over the data.
/// - Text is always written as a string, never as a formula, even when it starts with `=`.
/// - `Int` and `Number` are numbers, except integers beyond 15 digits (Excel's precision),
///   which are written as text so that no digit is lost.
/// - `Date` is a real date shown `yyyy-mm-dd`; one outside Excel's 1900–9999 is written as
///   text in the same form. `Bool` is 是 / 否; `Empty` leaves the cell blank.
/// - Column widths are estimated from the content, a Chinese character counting 2.
///
/// # Errors
/// [`ExportError::NoTables`]; per table [`ExportError::RowLength`], [`ExportError::NotFinite`],
/// [`ExportError::TooManyRows`], [`ExportError::TooManyColumns`], [`ExportError::CellTooLong`]
/// (a header only: a data cell too long for Excel is cut, with a note of its full length);
/// [`ExportError::Xlsx`] if the writer itself fails.
pub fn to_xlsx_many(tables: &[Table]) -> Result<Vec<u8>, ExportError> {
    if tables.is_empty() {
        return Err(ExportError::NoTables);
    }
    for table in tables {
        check_excel_limits(table)?;
    }
    let header_format = Format::new().set_bold();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    let mut workbook = Workbook::new();
    for (table, name) in tables.iter().zip(sheet_names(tables)) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(name).map_err(xlsx_error)?;
        write_sheet(sheet, table, &header_format, &date_format).map_err(xlsx_error)?;
    }
    workbook.save_to_buffer().map_err(xlsx_error)
}

fn xlsx_error(e: XlsxError) -> ExportError {
    ExportError::Xlsx(e.to_string())
}

fn check_excel_limits(table: &Table) -> Result<(), ExportError> {
    table.validate()?;
    if table.rows.len() >= MAX_SHEET_ROWS {
        return Err(ExportError::TooManyRows {
            table: table.title.clone(),
            rows: table.rows.len(),
            max: MAX_SHEET_ROWS - 1,
        });
    }
    if table.headers.len() > MAX_SHEET_COLUMNS {
        return Err(ExportError::TooManyColumns {
            table: table.title.clone(),
            columns: table.headers.len(),
            max: MAX_SHEET_COLUMNS,
        });
    }
    // Headers are ours and must fit; data cells that do not are cut when written (a record's
    // text must never make an export fail — the CSV keeps it whole).
    let texts = table.headers.iter().enumerate().map(|(c, h)| (0, c, h.as_str()));
    for (r, c, s) in texts {
        // A UTF-8 string has at least as many bytes as UTF-16 units: count only long ones.
        if s.len() > MAX_CELL_CHARS {
            let chars = s.encode_utf16().count();
            if chars > MAX_CELL_CHARS {
                return Err(ExportError::CellTooLong {
                    table: table.title.clone(),
                    cell: cell_ref(r, c),
                    chars,
                    max: MAX_CELL_CHARS,
                });
            }
        }
    }
    Ok(())
}

/// Valid, distinct sheet names for the tables, in order.
fn sheet_names(tables: &[Table]) -> Vec<String> {
    // Excel compares sheet names ignoring case, and keeps "History" for itself.
    let mut taken: HashSet<String> = HashSet::from(["history".to_owned()]);
    let mut names = Vec::with_capacity(tables.len());
    for (i, table) in tables.iter().enumerate() {
        let mut base = sanitize_sheet_name(&table.title);
        if base.is_empty() {
            base = format!("Sheet{}", i + 1);
        }
        let mut name = base.clone();
        let mut n = 2usize;
        while taken.contains(&name.to_lowercase()) {
            let suffix = format!(" ({n})");
            let mut stem = truncate_utf16(&base, MAX_SHEET_NAME - suffix.len()).to_owned();
            stem.truncate(stem.trim_end_matches([' ', '\'']).len());
            name = stem + &suffix;
            n += 1;
        }
        taken.insert(name.to_lowercase());
        names.push(name);
    }
    names
}

/// The title with Excel's forbidden characters replaced, cut to 31 characters, and without
/// leading/trailing apostrophes or spaces. May be empty.
fn sanitize_sheet_name(title: &str) -> String {
    let replaced: String = title
        .chars()
        .map(|ch| if matches!(ch, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || ch.is_control() { '_' } else { ch })
        .collect();
    let trimmed = replaced.trim_matches(|ch: char| ch == '\'' || ch.is_whitespace());
    truncate_utf16(trimmed, MAX_SHEET_NAME).trim_end_matches(|ch: char| ch == '\'' || ch.is_whitespace()).to_owned()
}

/// `s` as it fits one cell: whole, or cut with a note saying how long it was (Excel holds at
/// most 32,767 UTF-16 units in a cell).
fn cut_to_cell(s: &str) -> std::borrow::Cow<'_, str> {
    if s.len() <= MAX_CELL_CHARS || s.encode_utf16().count() <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(s);
    }
    let chars = s.chars().count();
    let note = format!("…〔已截断:全文 {chars} 字,见 CSV 导出 / cut: {chars} characters in all, see the CSV export〕");
    let keep = truncate_utf16(s, MAX_CELL_CHARS - note.encode_utf16().count());
    std::borrow::Cow::Owned(format!("{keep}{note}"))
}

/// The longest prefix of `s` of at most `max` UTF-16 units (Excel's way of counting).
fn truncate_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, ch) in s.char_indices() {
        units += ch.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

fn write_sheet(sheet: &mut Worksheet, table: &Table, header: &Format, date: &Format) -> Result<(), XlsxError> {
    let mut widths: Vec<usize> = Vec::with_capacity(table.headers.len());
    for (col, text) in (0u16..).zip(&table.headers) {
        sheet.write_string_with_format(0, col, text, header)?;
        // Bold, and room for the filter button.
        widths.push(text_width(text) + text_width(text) / 10 + 3);
    }
    // Limits were checked: the row and column counters cannot overflow.
    for (row, cells) in (1u32..).zip(&table.rows) {
        for ((col, cell), width) in (0u16..).zip(cells).zip(widths.iter_mut()) {
            let cell_width = write_cell(sheet, row, col, cell, date)?;
            *width = (*width).max(cell_width);
        }
    }
    if let Some(last_col) = table.headers.len().checked_sub(1) {
        let last_col = u16::try_from(last_col).map_err(|_| XlsxError::RowColumnLimitError)?;
        let last_row = u32::try_from(table.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.set_freeze_panes(1, 0)?;
        sheet.autofilter(0, 0, last_row, last_col)?;
    }
    for (col, width) in (0u16..).zip(widths) {
        // Padding of 2; the bounds keep a long note from making a screen-wide column.
        let width = (width + 2).clamp(MIN_WIDTH, MAX_WIDTH);
        sheet.set_column_width(col, u8::try_from(width).map_or(60.0, f64::from))?;
    }
    Ok(())
}

/// Writes one data cell; returns the width of its content.
fn write_cell(sheet: &mut Worksheet, row: u32, col: u16, cell: &Cell, date: &Format) -> Result<usize, XlsxError> {
    match cell {
        Cell::Empty => Ok(0),
        Cell::Text(s) => {
            let fits = cut_to_cell(s);
            sheet.write_string(row, col, fits.as_ref())?;
            Ok(text_width(fits.as_ref()))
        }
        Cell::Int(n) => {
            let text = n.to_string();
            if (-MAX_EXACT_INT..=MAX_EXACT_INT).contains(n) {
                #[allow(clippy::cast_precision_loss)] // At most 15 digits: exact in an f64.
                sheet.write_number(row, col, *n as f64)?;
            } else {
                sheet.write_string(row, col, &text)?;
            }
            Ok(text.len())
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, *n)?;
            Ok(format_number(*n).len().min(12))
        }
        Cell::Date(d) => {
            match excel_date(*d) {
                Some(excel) => sheet.write_datetime_with_format(row, col, &excel, date)?,
                None => sheet.write_string(row, col, d.format("%Y-%m-%d").to_string())?,
            };
            Ok(10)
        }
        Cell::Bool(b) => {
            sheet.write_string(row, col, if *b { "是" } else { "否" })?;
            Ok(2)
        }
    }
}

/// The date as Excel holds it, if it is within Excel's years 1900–9999.
fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok().filter(|y| (1900..=9999).contains(y))?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

/// Display width of a text in Excel's column units: its widest line, wide (CJK, full-width)
/// characters counting 2. Stops counting past the widest column we set.
fn text_width(s: &str) -> usize {
    s.split('\n')
        .map(|line| {
            let mut width = 0;
            for ch in line.chars() {
                width += if is_wide(ch) { 2 } else { 1 };
                if width > MAX_WIDTH {
                    break;
                }
            }
            width
        })
        .max()
        .unwrap_or(0)
}

/// East Asian wide and full-width characters (the common blocks; close enough for widths).
fn is_wide(ch: char) -> bool {
    matches!(u32::from(ch),
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1FAFF
        | 0x20000..=0x3FFFD)
}
