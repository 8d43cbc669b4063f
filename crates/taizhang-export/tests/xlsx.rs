//! The Excel export read back from its bytes (the .xlsx zip parts): strings, typed cells,
//! no formulas, header styling, sheet names, and Excel's limits.

use std::io::{Cursor, Read};

use chrono::NaiveDate;
use taizhang_export::{to_xlsx, to_xlsx_many, Cell, ExportError, Table};
use zip::ZipArchive;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// One part of the workbook, as text; `None` if the zip has no such part.
fn part(xlsx: &[u8], name: &str) -> Option<String> {
    let mut archive = ZipArchive::new(Cursor::new(xlsx)).expect("an .xlsx is a zip");
    let mut file = archive.by_name(name).ok()?;
    let mut text = String::new();
    file.read_to_string(&mut text).expect("parts are UTF-8 XML");
    Some(text)
}

fn must_part(xlsx: &[u8], name: &str) -> String {
    part(xlsx, name).unwrap_or_else(|| panic!("{name} is in the workbook"))
}

/// All strings of the workbook: the shared string table plus any inline strings of the sheet.
fn strings(xlsx: &[u8], sheet: &str) -> String {
    part(xlsx, "xl/sharedStrings.xml").unwrap_or_default() + &must_part(xlsx, sheet)
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

fn visits() -> Table {
    let mut table = Table::new("走访记录", ["姓名", "村", "走访日期", "户数", "补助(元)", "已脱贫", "备注"]);
    table.rows.push(vec![
        "张三".into(),
        "王家村".into(),
        Cell::Date(date(2024, 1, 1)),
        Cell::Int(4),
        Cell::Number(9.5),
        Cell::Bool(true),
        "=1+1".into(),
    ]);
    table.rows.push(vec![
        "李四".into(),
        "李家村".into(),
        Cell::Date(date(2024, 3, 5)),
        Cell::Int(2),
        Cell::Number(10.0),
        Cell::Bool(false),
        Cell::Empty,
    ]);
    table
}

#[test]
fn writes_chinese_headers_and_text() {
    let xlsx = to_xlsx(&visits()).expect("exports");
    let strings = strings(&xlsx, "xl/worksheets/sheet1.xml");
    for s in ["姓名", "村", "走访日期", "补助(元)", "已脱贫", "张三", "王家村", "李家村", "是", "否"]
    {
        assert!(strings.contains(&format!(">{s}<")), "{s} is written");
    }
}

#[test]
fn has_one_row_per_table_row_plus_the_header() {
    let xlsx = to_xlsx(&visits()).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert_eq!(count(&sheet, "<row "), 3);
    assert!(sheet.contains(r#"<dimension ref="A1:G3"/>"#), "{sheet}");
}

#[test]
fn text_that_looks_like_a_formula_stays_text() {
    let xlsx = to_xlsx(&visits()).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "no formula in {sheet}");
    assert!(strings(&xlsx, "xl/worksheets/sheet1.xml").contains(">=1+1<"));
}

#[test]
fn numbers_and_dates_are_typed_cells() {
    let xlsx = to_xlsx(&visits()).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    // Numbers are plain values (no t="s"): 4, 9.5, 10.
    for (cell, value) in [("D2", "4"), ("E2", "9.5"), ("E3", "10"), ("D3", "2")] {
        let open = format!(r#"<c r="{cell}""#);
        let at = sheet.find(&open).unwrap_or_else(|| panic!("{cell} is written"));
        let c = &sheet[at..at + sheet[at..].find("</c>").expect("cell closes")];
        assert!(!c.contains("t=\""), "{cell} is a number: {c}");
        assert!(c.ends_with(&format!("<v>{value}</v>")), "{cell}: {c}");
    }
    // 2024-01-01 is Excel's day 45292, shown with a yyyy-mm-dd format.
    assert!(sheet.contains("<v>45292</v>"), "{sheet}");
    let styles = must_part(&xlsx, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="yyyy-mm-dd""#), "{styles}");
}

#[test]
fn header_is_bold_frozen_and_filtered() {
    let xlsx = to_xlsx(&visits()).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"ySplit="1""#) && sheet.contains(r#"state="frozen""#), "{sheet}");
    assert!(sheet.contains(r#"<autoFilter ref="A1:G3"/>"#), "{sheet}");
    let styles = must_part(&xlsx, "xl/styles.xml");
    assert!(styles.contains("<b/>"), "a bold font: {styles}");
    assert!(sheet.contains("<cols>"), "column widths are set");
}

/// The `width` of column `n` (1-based) in the sheet's `<cols>`.
fn column_width(sheet: &str, n: usize) -> f64 {
    let open = format!(r#"<col min="{n}" max="{n}" width=""#);
    let at = sheet.find(&open).unwrap_or_else(|| panic!("column {n} has a width: {sheet}")) + open.len();
    sheet[at..at + sheet[at..].find('"').expect("closing quote")].parse().expect("a number")
}

#[test]
fn chinese_columns_are_wider_than_latin_ones_of_the_same_length() {
    let mut table = Table::new("宽度", ["a", "b", "c"]);
    table.rows.push(vec!["abcdefghij".into(), "王家村村民委员会第一组".into(), "x".repeat(500).into()]);
    let xlsx = to_xlsx(&table).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    let latin = column_width(&sheet, 1);
    let chinese = column_width(&sheet, 2);
    let long = column_width(&sheet, 3);
    assert!(latin >= 10.0, "{latin}");
    assert!(chinese >= 20.0 && chinese > latin, "{chinese} vs {latin}");
    assert!(long <= 61.0, "a long note does not make a screen-wide column: {long}");
}

#[test]
fn keeps_every_digit_of_long_integers_and_odd_dates() {
    let mut table = Table::new("t", ["身份证号", "出生日期"]);
    table.rows.push(vec![Cell::Int(110_101_199_003_071_234), Cell::Date(date(1850, 6, 1))]);
    table.rows.push(vec![Cell::Int(999_999_999_999_999), Cell::Date(date(1900, 3, 1))]);
    let xlsx = to_xlsx(&table).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    let strings = strings(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(strings.contains(">110101199003071234<"), "a 18-digit number is text");
    assert!(strings.contains(">1850-06-01<"), "a date before 1900 is text");
    assert!(sheet.contains("<v>999999999999999</v>"), "15 digits stay a number");
    assert!(sheet.contains("<v>61</v>"), "1900-03-01 is Excel's day 61");
}

#[test]
fn an_empty_table_is_a_header_row() {
    let xlsx = to_xlsx(&Table::new("空表", ["姓名", "村"])).expect("exports");
    let sheet = must_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert_eq!(count(&sheet, "<row "), 1);
    assert!(sheet.contains(r#"<autoFilter ref="A1:B1"/>"#), "{sheet}");
}

/// The sheet names of the workbook, in order.
fn sheet_names(xlsx: &[u8]) -> Vec<String> {
    let workbook = must_part(xlsx, "xl/workbook.xml");
    workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').expect("closing quote")].to_owned())
        .collect()
}

#[test]
fn writes_one_sheet_per_table_with_valid_distinct_names() {
    let titles = [
        "走访记录",
        "走访记录",
        "走访记录",
        "2024/05: 问题[清单]*?\\",
        "",
        "'引号'",
        "History",
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三",
        "abc",
        "ABC",
    ];
    let tables: Vec<Table> = titles
        .iter()
        .enumerate()
        .map(|(i, title)| {
            let mut table = Table::new(*title, ["序号"]);
            table.rows.push(vec![Cell::Int(i64::try_from(i).expect("small"))]);
            table
        })
        .collect();
    let xlsx = to_xlsx_many(&tables).expect("exports");
    let names = sheet_names(&xlsx);
    assert_eq!(
        names,
        [
            "走访记录",
            "走访记录 (2)",
            "走访记录 (3)",
            "2024_05_ 问题_清单____",
            "Sheet5",
            "引号",
            "History (2)",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一",
            "一二三四五六七八九十一二三四五六七八九十一二三四五六七 (2)",
            "abc",
            "ABC (2)",
        ]
    );
    for name in &names {
        assert!(name.chars().count() <= 31, "{name}");
    }
    for i in 1..=titles.len() {
        let sheet = must_part(&xlsx, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains(&format!("<v>{}</v>", i - 1)), "sheet {i} holds its own table");
    }
    assert!(part(&xlsx, &format!("xl/worksheets/sheet{}.xml", titles.len() + 1)).is_none());
}

#[test]
fn rejects_no_tables() {
    assert_eq!(to_xlsx_many(&[]), Err(ExportError::NoTables));
}

#[test]
fn rejects_rows_of_the_wrong_length_and_nan() {
    let mut table = visits();
    table.rows[1].pop();
    assert!(matches!(to_xlsx(&table), Err(ExportError::RowLength { row: 1, expected: 7, found: 6, .. })));

    let mut table = visits();
    table.rows[0][4] = Cell::Number(f64::NAN);
    assert_eq!(to_xlsx(&table), Err(ExportError::NotFinite { table: "走访记录".into(), cell: "E2".into() }));

    // The error names the table when several are exported.
    let mut bad = visits();
    bad.title = "第二张".into();
    bad.rows[0].push(Cell::Empty);
    assert!(matches!(to_xlsx_many(&[visits(), bad]), Err(ExportError::RowLength { table, .. }) if table == "第二张"));
}

#[test]
fn a_data_cell_longer_than_excel_allows_is_cut_and_says_so_and_a_long_header_is_refused() {
    let mut table = Table::new("长文本", ["姓名", "备注"]);
    table.rows.push(vec!["张三".into(), "好".repeat(32_767).into()]);
    to_xlsx(&table).expect("32,767 characters fit");

    // Excel counts UTF-16 units: an emoji is two. A record's text never fails the export: the
    // cell is cut, with a note of the full length (1.3 M characters were once stored).
    table.rows.push(vec!["李四".into(), "😀".repeat(16_384).into()]);
    table.rows.push(vec!["王五".into(), "字".repeat(1_300_000).into()]);
    let bytes = to_xlsx(&table).expect("an over-long record does not fail the export");
    let strings = strings(&bytes, "xl/worksheets/sheet1.xml");
    assert!(strings.contains("全文 16384 字"), "the emoji cell is cut and says so");
    assert!(strings.contains("全文 1300000 字"), "the long diary cell is cut and says so");

    let long_header = Table::new("t", ["x".repeat(40_000)]);
    assert!(matches!(to_xlsx(&long_header), Err(ExportError::CellTooLong { cell, .. }) if cell == "A1"));
}

#[test]
fn rejects_more_rows_or_columns_than_a_sheet_holds() {
    let table = Table { title: "大表".into(), headers: Vec::new(), rows: vec![Vec::new(); 1_048_576] };
    let err = to_xlsx(&table).expect_err("too many rows");
    assert_eq!(err, ExportError::TooManyRows { table: "大表".into(), rows: 1_048_576, max: 1_048_575 });

    let wide = Table::new("宽表", (0..16_385).map(|i| i.to_string()));
    assert!(matches!(to_xlsx(&wide), Err(ExportError::TooManyColumns { columns: 16_385, max: 16_384, .. })));
}
