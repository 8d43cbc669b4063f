//! The CSV export as Excel will read it: BOM, CRLF, quoting, the formula guard, cell formats, errors.

use chrono::NaiveDate;
use taizhang_export::{to_csv, Cell, ExportError, Table};

const BOM: &str = "\u{FEFF}";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn csv(table: &Table) -> String {
    let bytes = to_csv(table).expect("table exports");
    String::from_utf8(bytes).expect("CSV is UTF-8")
}

/// The lines of a CSV whose fields hold no line breaks, after the BOM.
fn lines(text: &str) -> Vec<&str> {
    let body = text.strip_prefix(BOM).expect("starts with a BOM");
    let body = body.strip_suffix("\r\n").expect("ends with CRLF");
    body.split("\r\n").collect()
}

fn one_column(cells: Vec<Cell>) -> Table {
    Table { title: "t".into(), headers: vec!["备注".into()], rows: cells.into_iter().map(|c| vec![c]).collect() }
}

#[test]
fn starts_with_bom_then_header_row() {
    let table = Table::new("走访", ["姓名", "村", "户数"]);
    let bytes = to_csv(&table).expect("exports");
    assert_eq!(&bytes[..3], &[0xEF, 0xBB, 0xBF], "UTF-8 BOM");
    assert_eq!(String::from_utf8(bytes).expect("utf-8"), format!("{BOM}姓名,村,户数\r\n"));
}

#[test]
fn rows_end_with_crlf_and_follow_the_header() {
    let mut table = Table::new("走访", ["姓名", "户数"]);
    table.rows.push(vec!["张三".into(), Cell::Int(4)]);
    table.rows.push(vec!["李四".into(), Cell::Int(2)]);
    let text = csv(&table);
    assert_eq!(text, format!("{BOM}姓名,户数\r\n张三,4\r\n李四,2\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "no bare LF");
}

#[test]
fn quotes_commas_quotes_and_line_breaks() {
    let table = one_column(vec![
        "王家村,李家村".into(),
        "他说\"好\"".into(),
        "第一行\n第二行".into(),
        "a\rb".into(),
        "a\r\nb".into(),
        "plain text 无需引号".into(),
        " leading and trailing spaces ".into(),
    ]);
    let text = csv(&table);
    let expected = format!(
        "{BOM}备注\r\n\"王家村,李家村\"\r\n\"他说\"\"好\"\"\"\r\n\"第一行\n第二行\"\r\n\"a\rb\"\r\n\"a\r\nb\"\r\n\
         plain text 无需引号\r\n leading and trailing spaces \r\n"
    );
    assert_eq!(text, expected);
}

#[test]
fn guards_text_that_excel_would_run_as_a_formula() {
    let table = one_column(vec![
        "=1+1".into(),
        "+86 138 0000 0000".into(),
        "-5".into(),
        "@SUM(A1)".into(),
        "\tindent".into(),
        "\rcr".into(),
        "=HYPERLINK(\"http://x\",\"点我\")".into(),
        "a=1".into(),
        "'already quoted".into(),
    ]);
    let text = csv(&table);
    let expected = format!(
        "{BOM}备注\r\n'=1+1\r\n'+86 138 0000 0000\r\n'-5\r\n'@SUM(A1)\r\n'\tindent\r\n\"'\rcr\"\r\n\
         \"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"\r\na=1\r\n'already quoted\r\n"
    );
    assert_eq!(text, expected);
}

#[test]
fn guards_headers_too_but_never_numbers() {
    let mut table = Table::new("t", ["=危险", "差额"]);
    table.rows.push(vec![Cell::Int(-5), Cell::Number(-9.5)]);
    assert_eq!(lines(&csv(&table)), ["'=危险,差额", "-5,-9.5"]);
}

#[test]
fn writes_dates_bools_numbers_and_empty_cells() {
    let mut table = Table::new("t", ["日期", "脱贫", "返贫", "金额", "比例", "户数", "空", "零", "大", "负零"]);
    table.rows.push(vec![
        Cell::Date(date(2024, 3, 5)),
        Cell::Bool(true),
        Cell::Bool(false),
        Cell::Number(10.0),
        Cell::Number(9.5),
        Cell::Int(42),
        Cell::Empty,
        Cell::Number(0.1),
        Cell::Number(1e20),
        Cell::Number(-0.0),
    ]);
    assert_eq!(lines(&csv(&table))[1], "2024-03-05,是,否,10,9.5,42,,0.1,100000000000000000000,0");
}

#[test]
fn a_row_of_one_empty_field_is_not_a_blank_line() {
    let table = one_column(vec![Cell::Empty, "x".into(), Cell::Text(String::new())]);
    assert_eq!(lines(&csv(&table)), ["备注", "\"\"", "x", "\"\""]);
}

#[test]
fn rejects_a_row_with_the_wrong_number_of_cells() {
    let mut table = Table::new("走访记录", ["姓名", "户数"]);
    table.rows.push(vec!["张三".into(), Cell::Int(3)]);
    table.rows.push(vec!["李四".into()]);
    let err = to_csv(&table).expect_err("short row");
    assert_eq!(err, ExportError::RowLength { table: "走访记录".into(), row: 1, expected: 2, found: 1 });
    let message = err.to_string();
    assert!(message.contains("row 1") && message.contains("Cell::Empty"), "{message}");

    table.rows[1] = vec!["李四".into(), Cell::Int(1), Cell::Empty];
    assert!(matches!(to_csv(&table), Err(ExportError::RowLength { found: 3, .. })));
}

#[test]
fn rejects_numbers_that_are_not_finite() {
    let mut table = Table::new("比例", ["村", "比例"]);
    table.rows.push(vec!["王家村".into(), Cell::Number(0.5)]);
    table.rows.push(vec!["李家村".into(), Cell::Number(f64::NAN)]);
    assert_eq!(to_csv(&table), Err(ExportError::NotFinite { table: "比例".into(), cell: "B3".into() }));
    table.rows[1][1] = Cell::Number(f64::INFINITY);
    assert!(matches!(to_csv(&table), Err(ExportError::NotFinite { .. })));
}
