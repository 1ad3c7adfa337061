//! The query parser on arbitrary bytes: it must never panic, overflow the stack or hang;
//! whatever parses must print and parse back to the same tree, and compile to SQL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use patchdesk_core::collections::query;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match query::parse(text) {
        Ok(expr) => {
            let printed = query::print(&expr);
            let again = query::parse(&printed)
                .unwrap_or_else(|e| panic!("printed form does not parse: {printed:?}: {e}"));
            assert_eq!(again, expr, "round trip of {printed:?}");
            let sql = query::sql::compile(&expr, chrono::DateTime::UNIX_EPOCH);
            assert!(!sql.sql.is_empty());
        }
        Err(e) => {
            // Positions always point inside the text.
            assert!(e.start as usize <= text.len() && e.end as usize <= text.len());
            assert!(e.line >= 1 && e.column >= 1);
        }
    }
});
