//! Collections: rules, cycles, built-ins, evaluation with entered/left, and the SQL
//! evaluation held to the in-memory reference over generated inventories and rule sets.

mod common;

use chrono::{DateTime, Utc};
use common::*;
use patchdesk_core::collections::query::*;
use patchdesk_core::collections::reference::{self, RefCollection, RefComputer};
use patchdesk_core::collections::{self as col, CollectionInput, Scope};
use patchdesk_core::inventory::{
    ensure_site, prerequisite_columns, upsert_computers, AgentState, ClientPolicy, ComputerRecord,
    Role,
};
use patchdesk_core::ports::FixedClock;
use patchdesk_core::{ErrorKind, SqlitePool};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const SITES: [&str; 3] = ["Seoul", "Berlin", "São Paulo"];
const DEPTS: [&str; 4] = ["Finance", "finance", "R&D", ""];
const OSES: [&str; 3] = ["Windows 10", "Windows Server 2019", ""];
const VERSIONS: [&str; 6] = [
    "10.0.9600",
    "10.0.19045",
    "10.0",
    "6.1.7601",
    "10.0.19045.1",
    "",
];
const NAMES: [&str; 6] = [
    "SEOUL-WS-001",
    "seoul-ws-002",
    "BER_SRV%1",
    "Müller-PC",
    "x",
    "SEOUL-*",
];

fn clock() -> FixedClock {
    FixedClock(now())
}

fn input(name: &str, query: &str) -> CollectionInput {
    CollectionInput {
        name: name.into(),
        query: query.into(),
        ..Default::default()
    }
}

/// Writes `computers` (replacing what was there) and returns their database ids.
async fn load(pool: &SqlitePool, computers: &mut [RefComputer]) {
    let mut tx = patchdesk_core::db::begin_write(pool).await.unwrap();
    for t in [
        "DELETE FROM collections WHERE builtin IS NULL",
        "DELETE FROM computers",
    ] {
        sqlx::query(t).execute(&mut *tx).await.unwrap();
    }
    let mut sites = BTreeMap::new();
    for s in SITES {
        sites.insert(s, ensure_site(&mut tx, s, "Asia/Seoul").await.unwrap());
    }
    // (ensure_site is cheap: the sites stay from case to case.)
    let mut rows: Vec<ComputerRecord> = computers
        .iter()
        .map(|c| {
            let (prerequisites, prerequisite_keys) = prerequisite_columns(&c.prerequisites);
            ComputerRecord {
                name: c.name.clone(),
                domain: c.domain.clone(),
                site_id: sites[c.site.as_str()],
                department: c.department.clone(),
                role: Role::from_db(&c.role),
                os_name: c.os_name.clone(),
                os_version: c.os_version.clone(),
                owner_name: c.owner_name.clone(),
                owner_email: c.owner_email.clone(),
                last_seen: c.last_seen,
                last_run: c.last_run,
                free_disk_gb: c.free_disk_gb,
                agent_version: c.agent_version.clone(),
                agent_state: AgentState::from_db(&c.agent_state),
                client_policy: ClientPolicy::parse(&c.client_policy).unwrap(),
                prerequisites,
                prerequisite_keys,
            }
        })
        .collect();
    upsert_computers(&mut tx, &mut rows, &[]).await.unwrap();
    let ids: BTreeMap<String, i64> = sqlx::query_as("SELECT name, id FROM computers")
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .into_iter()
        .collect();
    for c in computers.iter_mut() {
        c.id = ids[&c.name];
    }
    tx.commit().await.unwrap();
}

// ---- generators ------------------------------------------------------------------

fn computer(i: usize) -> impl Strategy<Value = RefComputer> {
    let now = now().timestamp();
    let time = prop_oneof![
        Just(None),
        (-40i64..40).prop_map(move |d| Some(now + d * 86_400 + 7))
    ];
    (
        (
            0..SITES.len(),
            0..DEPTS.len(),
            0..OSES.len(),
            0..VERSIONS.len(),
            any::<bool>(),
        ),
        (
            time.clone(),
            time,
            prop_oneof![Just(None), (0u8..40).prop_map(|g| Some(g as f64 / 2.0))],
        ),
        (
            0..VERSIONS.len(),
            0..4usize,
            0..4usize,
            0..VERSIONS.len(),
            "[a-zA-Zé ]{0,6}",
        ),
    )
        .prop_map(
            move |(
                (site, dept, os, ver, server),
                (seen, run, disk),
                (agent, state, policy, msxml, owner),
            )| {
                let mut prerequisites = BTreeMap::new();
                if !VERSIONS[msxml].is_empty() {
                    prerequisites.insert("MSXML".to_string(), VERSIONS[msxml].to_string());
                }
                RefComputer {
                    id: 0,
                    name: format!("{}-{i}", NAMES[i % NAMES.len()]),
                    domain: "corp".into(),
                    site: SITES[site].into(),
                    department: DEPTS[dept].into(),
                    role: if server { "server" } else { "workstation" }.into(),
                    os_name: OSES[os].into(),
                    os_version: VERSIONS[ver].into(),
                    owner_name: owner,
                    owner_email: String::new(),
                    last_seen: seen,
                    last_run: run,
                    free_disk_gb: disk,
                    agent_version: VERSIONS[agent].into(),
                    agent_state: AgentState::ALL[state].as_str().into(),
                    client_policy: ClientPolicy::ALL[policy].as_str().into(),
                    prerequisites,
                }
            },
        )
}

fn inventory() -> impl Strategy<Value = Vec<RefComputer>> {
    (0usize..16).prop_flat_map(|n| (0..n).map(computer).collect::<Vec<_>>())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&SITES[..]).prop_map(str::to_string),
        prop::sample::select(&DEPTS[..]).prop_map(str::to_string),
        prop::sample::select(&NAMES[..]).prop_map(str::to_string),
        Just("seoul".to_string()),
        Just("%".to_string()),
        Just("_".to_string()),
        "[a-zA-Z*?]{0,3}",
    ]
}

fn version() -> impl Strategy<Value = String> {
    prop::sample::select(&VERSIONS[..5]).prop_map(str::to_string)
}

fn cmp() -> impl Strategy<Value = CmpOp> {
    prop::sample::select(
        &[
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ][..],
    )
}

fn cond() -> impl Strategy<Value = Expr> {
    let t0 = now();
    let text_field = prop::sample::select(vec![
        Field::Name,
        Field::Site,
        Field::Department,
        Field::Os,
        Field::Owner,
    ]);
    let version_field = prop::sample::select(vec![
        Field::OsVersion,
        Field::AgentVersion,
        Field::Prerequisite("MSXML".into()),
    ]);
    let time_field = prop::sample::select(vec![Field::LastSeen, Field::LastRun]);
    let age = (
        0u32..30,
        prop::sample::select(vec![AgeUnit::Days, AgeUnit::Hours, AgeUnit::Weeks]),
    )
        .prop_map(|(amount, unit)| Age { amount, unit });
    let time = (-40i64..40).prop_map(move |d| Value::Time(t0 + chrono::Duration::days(d)));
    let c = |field: Field, test: Test| Expr::Cond { field, test };
    prop_oneof![
        (text_field.clone(), cmp(), text()).prop_map(move |(f, o, t)| c(
            f,
            Test::Compare {
                cmp: o,
                value: Value::Text(t)
            }
        )),
        (text_field.clone(), 0u8..4, text()).prop_map(move |(f, k, t)| c(
            f,
            match k {
                0 => Test::Contains { text: t },
                1 => Test::StartsWith { text: t },
                2 => Test::EndsWith { text: t },
                _ => Test::Like { pattern: t },
            }
        )),
        (
            text_field.clone(),
            prop::collection::vec(text(), 1..3),
            any::<bool>()
        )
            .prop_map(move |(f, vs, not)| {
                let values = vs.into_iter().map(Value::Text).collect();
                c(
                    f,
                    if not {
                        Test::NotIn { values }
                    } else {
                        Test::In { values }
                    },
                )
            }),
        (text_field, text(), text()).prop_map(move |(f, a, b)| c(
            f,
            Test::Between {
                low: Value::Text(a),
                high: Value::Text(b)
            }
        )),
        (version_field.clone(), cmp(), version()).prop_map(move |(f, o, v)| c(
            f,
            Test::Compare {
                cmp: o,
                value: Value::Version(v)
            }
        )),
        (version_field.clone(), version(), version(), 0u8..4).prop_map(move |(f, a, b, k)| c(
            f,
            match k {
                0 => Test::Between {
                    low: Value::Version(a),
                    high: Value::Version(b)
                },
                1 => Test::In {
                    values: vec![Value::Version(a), Value::Version(b)]
                },
                2 => Test::NotIn {
                    values: vec![Value::Version(a)]
                },
                _ => Test::IsEmpty,
            }
        )),
        (time_field.clone(), age.clone(), any::<bool>()).prop_map(move |(f, a, w)| c(
            f,
            if w {
                Test::Within { age: a }
            } else {
                Test::OlderThan { age: a }
            }
        )),
        (time_field.clone(), cmp(), time.clone())
            .prop_map(move |(f, o, v)| c(f, Test::Compare { cmp: o, value: v })),
        (time_field, any::<bool>())
            .prop_map(move |(f, e)| c(f, if e { Test::IsEmpty } else { Test::IsNotEmpty })),
        (cmp(), (0u8..40).prop_map(|g| g as f64 / 2.0)).prop_map(move |(o, n)| c(
            Field::FreeDisk,
            Test::Compare {
                cmp: o,
                value: Value::Number(n)
            }
        )),
        any::<bool>().prop_map(move |s| c(
            Field::Role,
            Test::Compare {
                cmp: CmpOp::Eq,
                value: Value::Enum(if s { "server" } else { "workstation" }.into())
            }
        )),
        (0..4usize, any::<bool>()).prop_map(move |(p, ne)| c(
            Field::Policy,
            Test::Compare {
                cmp: if ne { CmpOp::Ne } else { CmpOp::Eq },
                value: Value::Enum(ClientPolicy::ALL[p].as_str().into())
            }
        )),
        (0..4usize).prop_map(move |s| c(
            Field::AgentState,
            Test::NotIn {
                values: vec![Value::Enum(AgentState::ALL[s].as_str().into())]
            }
        )),
        Just(Expr::All),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    cond().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|items| Expr::And { items }),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|items| Expr::Or { items }),
            inner.prop_map(|e| Expr::Not { item: Box::new(e) }),
        ]
    })
}

/// A collection's rules; references point only at earlier collections (no cycles).
#[derive(Debug, Clone)]
struct GenCollection {
    query: Option<Expr>,
    direct: Vec<usize>,
    includes: Vec<usize>,
    excludes: Vec<usize>,
    limit: Option<usize>,
}

fn collections() -> impl Strategy<Value = Vec<GenCollection>> {
    prop::collection::vec(
        (
            prop::option::weighted(0.8, expr()),
            prop::collection::vec(0usize..16, 0..3),
            prop::collection::vec(0usize..8, 0..3),
            prop::collection::vec(0usize..8, 0..2),
            prop::option::weighted(0.3, 0usize..8),
        ),
        1..6,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (query, direct, inc, exc, limit))| {
                let earlier = |x: &usize| i > 0 && *x < i;
                let includes: BTreeSet<usize> = inc.into_iter().filter(earlier).collect();
                let excludes: BTreeSet<usize> = exc
                    .into_iter()
                    .filter(earlier)
                    .filter(|x| !includes.contains(x))
                    .collect();
                let mut g = GenCollection {
                    query,
                    direct,
                    includes: includes.into_iter().collect(),
                    excludes: excludes.into_iter().collect(),
                    limit: limit.filter(earlier),
                };
                if g.query.is_none() && g.includes.is_empty() {
                    g.query = Some(Expr::All);
                }
                g
            })
            .collect()
    })
}

async fn check_case(
    pool: &SqlitePool,
    mut computers: Vec<RefComputer>,
    gens: Vec<GenCollection>,
    now: DateTime<Utc>,
) -> Result<(), TestCaseError> {
    load(pool, &mut computers).await;
    let clock = FixedClock(now);
    let mut ids = Vec::new();
    let mut refs = Vec::new();
    for (i, g) in gens.iter().enumerate() {
        let direct: Vec<String> = g
            .direct
            .iter()
            .filter_map(|d| computers.get(*d))
            .map(|c| c.name.clone())
            .collect();
        let saved = col::create(
            pool,
            &clock,
            "test",
            &CollectionInput {
                name: format!("C{i}"),
                query: g.query.as_ref().map(print).unwrap_or_default(),
                includes: g.includes.iter().map(|x| ids[*x]).collect(),
                excludes: g.excludes.iter().map(|x| ids[*x]).collect(),
                limit_id: g.limit.map(|x| ids[x]),
                direct: direct.clone(),
                ..Default::default()
            },
        )
        .await
        .map_err(|e| TestCaseError::fail(format!("create C{i}: {e}")))?;
        ids.push(saved.collection.id);
        refs.push(RefCollection {
            query: g.query.clone(),
            direct: g
                .direct
                .iter()
                .filter_map(|d| computers.get(*d))
                .map(|c| c.id)
                .collect(),
            includes: g.includes.clone(),
            excludes: g.excludes.clone(),
            limit: g.limit,
        });
    }
    for id in &ids {
        col::evaluate(pool, &clock, *id).await.unwrap();
    }
    for (i, id) in ids.iter().enumerate() {
        let got: BTreeSet<i64> = col::member_ids(pool, *id)
            .await
            .unwrap()
            .into_iter()
            .collect();
        let want = reference::members(&refs, i, &computers, now);
        prop_assert_eq!(&got, &want, "collection C{} {:?}", i, gens[i]);
    }
    Ok(())
}

#[test]
fn sql_evaluation_matches_the_reference_evaluator() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // tmpfs when there is one: ten thousand cases of small transactions would otherwise
    // spend their time in fsync.
    let shm = std::path::Path::new("/dev/shm");
    let dir = if shm.is_dir() {
        tempfile::tempdir_in(shm).unwrap()
    } else {
        tempfile::tempdir().unwrap()
    };
    mock_credential_store();
    let pool = rt
        .block_on(patchdesk_core::db::open(&dir.path().join("prop.sqlite")))
        .unwrap();
    let cases: u32 = std::env::var("PATCHDESK_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let config = ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 300,
        ..ProptestConfig::default()
    };
    proptest!(config, |(computers in inventory(), gens in collections())| {
        rt.block_on(check_case(&pool, computers, gens, now()))?;
    });
}

// ---- rules, cycles, built-ins, entered/left ---------------------------------------

/// Creates a collection and returns its id.
async fn new_id(pool: &SqlitePool, clock: &FixedClock, input: &CollectionInput) -> i64 {
    col::create(pool, clock, "test", input)
        .await
        .unwrap()
        .collection
        .id
}

async fn demo_db() -> (tempfile::TempDir, SqlitePool) {
    let (dir, pool) = fresh_db().await;
    patchdesk_core::demo::load(
        &pool,
        patchdesk_core::demo::DemoOptions::default(),
        now(),
        false,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    (dir, pool)
}

#[tokio::test]
async fn built_ins_cover_all_roles_sites_and_policies() {
    let (_d, pool) = demo_db().await;
    let list = col::list(&pool, &clock()).await.unwrap();
    let names: Vec<&str> = list.iter().map(|c| c.name.as_str()).collect();
    for n in [
        "All computers",
        "All workstations",
        "All servers",
        "Site: Seoul HQ",
        "Site: São Paulo",
    ] {
        assert!(names.contains(&n), "{n} in {names:?}");
    }
    assert_eq!(
        list.iter()
            .filter(|c| c.name.starts_with("Policy: "))
            .count(),
        4
    );
    // Loading the demo evaluated them: counts are there at once.
    let listed = list.iter().find(|c| c.name == "All computers").unwrap();
    assert_eq!(
        (listed.member_count, listed.evaluated_at.is_some()),
        (2000, true)
    );
    let all = col::find(&pool, "all computers").await.unwrap();
    let ev = col::evaluate(&pool, &clock(), all).await.unwrap();
    assert_eq!(ev.last().unwrap().member_count, 2000);
    let e = col::update(&pool, &clock(), "test", all, &input("Everything", "all"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(
        col::delete(&pool, &clock(), "test", all)
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict
    );
}

#[tokio::test]
async fn an_include_cycle_is_refused_with_the_cycle_named() {
    let (_d, pool) = demo_db().await;
    let c = clock();
    let a = new_id(&pool, &c, &input("A", "site = 'Seoul'")).await;
    let b = new_id(
        &pool,
        &c,
        &CollectionInput {
            includes: vec![a],
            ..input("B", "")
        },
    )
    .await;
    let cc = new_id(
        &pool,
        &c,
        &CollectionInput {
            limit_id: Some(b),
            ..input("C", "all")
        },
    )
    .await;
    let before = col::get(&pool, a).await.unwrap();
    let e = col::update(
        &pool,
        &c,
        "test",
        a,
        &CollectionInput {
            excludes: vec![cc],
            ..input("A", "site = 'Seoul'")
        },
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("A → C → B → A"), "{e}");
    // Nothing changed.
    let after = col::get(&pool, a).await.unwrap();
    assert!(after.collection.excludes.is_empty());
    assert_eq!(before.collection.query, after.collection.query);
    let e = col::update(
        &pool,
        &c,
        "test",
        a,
        &CollectionInput {
            includes: vec![a],
            ..input("A", "all")
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("itself"), "{e}");
}

#[tokio::test]
async fn deleting_a_collection_in_use_is_refused_naming_the_user() {
    let (_d, pool) = demo_db().await;
    let c = clock();
    let a = new_id(&pool, &c, &input("Base", "role = server")).await;
    let b = new_id(
        &pool,
        &c,
        &CollectionInput {
            limit_id: Some(a),
            ..input("Seoul servers", "site = 'Seoul'")
        },
    )
    .await;
    let e = col::delete(&pool, &clock(), "test", a).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("'Seoul servers'"), "{e}");
    assert_eq!(
        col::get(&pool, a).await.unwrap().used_by[0].name,
        "Seoul servers"
    );
    col::delete(&pool, &clock(), "test", b).await.unwrap();
    col::delete(&pool, &clock(), "test", a).await.unwrap();
    assert_eq!(
        col::get(&pool, a).await.unwrap_err().kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn re_evaluation_records_who_entered_and_who_left() {
    let (_d, pool) = demo_db().await;
    let c = clock();
    let id = new_id(&pool, &c, &input("Low disk", "free_disk_gb < 20")).await;
    let first = col::evaluate(&pool, &c, id).await.unwrap().pop().unwrap();
    assert!(first.first && first.member_count > 0);
    // One member gets disk back, one non-member runs low.
    let (leaver, joiner): (String, String) = sqlx::query_as(
        "SELECT (SELECT name FROM computers WHERE free_disk_gb < 20 ORDER BY name LIMIT 1),
                (SELECT name FROM computers WHERE free_disk_gb >= 20 ORDER BY name LIMIT 1)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("UPDATE computers SET free_disk_gb = CASE name WHEN ? THEN 500 ELSE 1 END WHERE name IN (?, ?)")
        .bind(&leaver)
        .bind(&leaver)
        .bind(&joiner)
        .execute(&pool)
        .await
        .unwrap();
    let later = FixedClock(now() + chrono::Duration::hours(1));
    let second = col::evaluate(&pool, &later, id)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!((second.entered, second.left, second.first), (1, 1, false));
    assert_eq!(second.member_count, first.member_count);
    let changes = col::changes(&pool, id).await.unwrap();
    let names: Vec<(String, String)> = changes
        .iter()
        .map(|c| (format!("{:?}", c.change), c.name.clone()))
        .collect();
    assert_eq!(
        names,
        vec![("Entered".into(), joiner), ("Left".into(), leaver)]
    );
    let got = col::get(&pool, id).await.unwrap().collection;
    assert_eq!(got.evaluated_at, Some(later.0));
}

#[tokio::test]
async fn preview_counts_what_evaluation_stores() {
    let (_d, pool) = demo_db().await;
    let c = clock();
    let draft = input(
        "Seoul workstations on an old OS",
        "site = 'Seoul HQ' and role = workstation and os_version < 10.0.19045",
    );
    let p = col::preview(&pool, &c, &draft, None, 50).await.unwrap();
    assert!(
        p.count > 0 && p.sample.len() as i64 == p.count.min(50),
        "{}",
        p.count
    );
    assert!(p.sample.iter().all(|x| x.site == "Seoul HQ"));
    let id = new_id(&pool, &c, &draft).await;
    let ev = col::evaluate(&pool, &c, id).await.unwrap().pop().unwrap();
    assert_eq!(ev.member_count, p.count);
    let ids = col::member_ids(&pool, id).await.unwrap();
    assert_eq!(ids.len() as i64, p.count);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let (_d, pool) = demo_db().await;
    let c = clock();
    let before = col::list(&pool, &c).await.unwrap().len();
    let e = col::create(
        &pool,
        &c,
        "test",
        &input("X", "site = 'Seoul' and rol = server"),
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    let wire = e.to_wire();
    let details = wire.details.unwrap();
    assert_eq!(details["column"], 20);
    assert_eq!(details["suggestion"], "role");
    for bad in [
        input("", "all"),
        input("Line\nbreak", "all"),
        CollectionInput {
            direct: vec!["NO-SUCH-PC".into()],
            ..input("D", "")
        },
        CollectionInput {
            includes: vec![987_654],
            ..input("I", "")
        },
        input("Nothing", ""),
    ] {
        let e = col::create(&pool, &c, "test", &bad).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{bad:?}: {e}");
    }
    col::create(&pool, &c, "test", &input("Twice", "all"))
        .await
        .unwrap();
    assert_eq!(
        col::create(&pool, &c, "test", &input("twice", "all"))
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::Conflict
    );
    assert_eq!(col::list(&pool, &c).await.unwrap().len(), before + 1);
}

#[tokio::test]
async fn deep_include_chains_are_warned_about() {
    let (_d, pool) = demo_db().await;
    let c = clock();
    let mut prev = new_id(&pool, &c, &input("L0", "role = server")).await;
    let mut last = None;
    for i in 1..=4 {
        let d = col::create(
            &pool,
            &c,
            "test",
            &CollectionInput {
                includes: vec![prev],
                ..input(&format!("L{i}"), "")
            },
        )
        .await
        .unwrap();
        prev = d.collection.id;
        last = Some(d);
    }
    let w = last.unwrap().warnings;
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("4 levels deep (L4 → L3 → L2 → L1 → L0)"),
        "{w:?}"
    );
    let ev = col::evaluate_all(&pool, &c, Scope::All, &NP).await.unwrap();
    let pos = |n: &str| ev.iter().position(|e| e.name == n).unwrap();
    assert!(
        pos("L0") < pos("L1") && pos("L3") < pos("L4"),
        "dependency order"
    );
    let servers = ev
        .iter()
        .find(|e| e.name == "All servers")
        .unwrap()
        .member_count;
    assert_eq!(ev[pos("L4")].member_count, servers);
}
