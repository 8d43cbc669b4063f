//! A device that records as fast as it can and prints `saved <kind> <id>` after each record
//! its ledger reported saved; the client-kill test SIGKILLs it mid-write and checks that
//! every printed record is in the store when it is opened again.

use std::io::Write;
use std::path::PathBuf;

use taizhang_client::Ledger;
use taizhang_tests::{check_in, diary, household, visit, NOW};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(round)) = (args.next(), args.next()) else {
        eprintln!("usage: kill-writer <store.sqlite3> <round>");
        std::process::exit(2);
    };
    let round: i64 = round.parse().unwrap_or(0);
    let mut ledger = match Ledger::open(&PathBuf::from(path)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("cannot open the store: {e}");
            std::process::exit(1);
        }
    };
    let Some(me) = ledger.member() else {
        eprintln!("the store has no member");
        std::process::exit(1);
    };
    let mut out = std::io::stdout().lock();
    for i in 0i64.. {
        // Each round writes at its own minute range, so records never repeat a time.
        let at = NOW - 30 * 86_400_000 + round * 3_600_000 + i * 1_000;
        let line = match i % 3 {
            0 => {
                let v = visit(me, household((i % 20) as usize), at, "走访记录（崩溃测试）");
                ledger.record_visit(&v, at).map(|()| format!("saved visit {}", v.id))
            }
            1 => {
                let c = check_in(me, at);
                ledger.check_in(&c, at).map(|c| format!("saved check_in {}", c.id))
            }
            _ => {
                let d = diary(me, at, "今日工作（崩溃测试）");
                ledger.write_diary(&d, at).map(|()| format!("saved diary {}", d.id))
            }
        };
        match line {
            Ok(line) => {
                // Printed only after the ledger said "saved": the parent counts these.
                if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                    return;
                }
            }
            Err(e) => {
                eprintln!("record {i} refused: {e}");
                std::process::exit(1);
            }
        }
    }
}
