//! Inventory benchmarks at 200,000 computers, with `sqlite3 .import` of the same file as
//! the baseline, measured in the same run.
//!
//! `cargo bench -p patchdesk-core --bench inventory` (needs `sqlite3` on PATH).

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::import::ImportOptions;
use patchdesk_core::inventory::{
    import_computers, list_computers, list_sites, ComputerQuery, ComputerSort, Role,
};
use patchdesk_core::ports::NoProgress;
use patchdesk_core::SqlitePool;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

// The same allocator as the CLI and the app.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const COMPUTERS: u32 = 200_000;

struct Fixture {
    _dir: tempfile::TempDir,
    csv: PathBuf,
    root: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    demo::write_csv(
        dir.path(),
        DemoOptions {
            computers: COMPUTERS,
            seed: 42,
        },
        now,
        &NoProgress,
    )
    .unwrap();
    let csv = dir.path().join("computers.csv");
    let root = dir.path().to_path_buf();
    Fixture {
        _dir: dir,
        csv,
        root,
    }
}

static BENCH_CLOCK: patchdesk_core::ports::SystemClock = patchdesk_core::ports::SystemClock;
static BY: patchdesk_core::audit::By<'static> = patchdesk_core::audit::By {
    actor: "benchmark",
    clock: &BENCH_CLOCK,
};

/// A database at `path` holding the fixture's computers, imported by PatchDesk.
fn imported(rt: &tokio::runtime::Runtime, f: &Fixture, path: &Path) -> SqlitePool {
    let pool = rt.block_on(patchdesk_core::db::open(path)).unwrap();
    rt.block_on(import_computers(
        &pool,
        &f.csv,
        ImportOptions::default(),
        &NoProgress,
        &BY,
    ))
    .unwrap();
    pool
}

/// Runs the `sqlite3` shell on `db` with `args` (dot commands or SQL), asserting success.
fn sqlite3(db: &Path, args: &[&str]) {
    let out = Command::new("sqlite3")
        .arg(db)
        .args(args)
        .output()
        .expect("sqlite3 on PATH");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn import(c: &mut Criterion) {
    let f = fixture();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // What SQLite itself needs to store these rows query-ready: the rows PatchDesk
    // imported, copied row by row (`id + 0` keeps SQLite from copying whole pages;
    // constraints are checked, the unique name index kept up) into a
    // fresh database with the same schema, pragmas and transaction, and the secondary
    // indexes built at the end, as the import does. Nothing is parsed or validated.
    let source = f.root.join("source.sqlite");
    let pool = imported(&rt, &f, &source);
    let indexes: Vec<(String, String)> = rt
        .block_on(
            sqlx::query_as(
                "SELECT name, sql FROM sqlite_master
                 WHERE type = 'index' AND tbl_name = 'computers' AND sql IS NOT NULL",
            )
            .fetch_all(&pool),
        )
        .unwrap();
    rt.block_on(pool.close());
    let floor_script = format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
         PRAGMA temp_store = memory; PRAGMA cache_size = -65536; PRAGMA mmap_size = 1073741824;
         ATTACH '{}' AS src;
         BEGIN IMMEDIATE;
         INSERT INTO sites SELECT * FROM src.sites;
         {}
         INSERT INTO computers SELECT * FROM src.computers WHERE id + 0 > 0;
         {};
         COMMIT;",
        source.display(),
        indexes
            .iter()
            .map(|(name, _)| format!("DROP INDEX \"{name}\";"))
            .collect::<String>(),
        indexes
            .iter()
            .map(|(_, sql)| sql.as_str())
            .collect::<Vec<_>>()
            .join(";\n"),
    );
    let mut g = c.benchmark_group("import 200k computers");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    let mut n = 0;
    g.bench_function(
        "patchdesk import_computers (parse, validate, upsert, one transaction)",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let path = f.root.join(format!("pd{n}.sqlite"));
                    rt.block_on(patchdesk_core::db::open(&path)).unwrap()
                },
                |pool| {
                    let r = rt
                        .block_on(import_computers(
                            &pool,
                            &f.csv,
                            ImportOptions::default(),
                            &NoProgress,
                            &BY,
                        ))
                        .unwrap();
                    assert_eq!(r.accepted, COMPUTERS as u64);
                    rt.block_on(pool.close());
                },
                BatchSize::PerIteration,
            )
        },
    );
    g.bench_function(
        "SQLite alone: the same rows and indexes, copied in by sqlite3",
        |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let path = f.root.join(format!("floor{n}.sqlite"));
                    let pool = rt.block_on(patchdesk_core::db::open(&path)).unwrap();
                    rt.block_on(pool.close());
                    path
                },
                // A busy timeout as the app has: closing a pool may still be finishing
                // its checkpoint of the source when sqlite3 starts.
                |path| sqlite3(&path, &[".timeout 15000", &floor_script]),
                BatchSize::PerIteration,
            )
        },
    );
    g.bench_function("baseline: sqlite3 .import of the same file", |b| {
        b.iter_batched(
            || {
                n += 1;
                f.root.join(format!("raw{n}.sqlite"))
            },
            |path| {
                sqlite3(
                    &path,
                    &[
                        ".mode csv",
                        &format!(".import {} computers", f.csv.display()),
                    ],
                )
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn page_query(c: &mut Criterion) {
    let f = fixture();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pool = imported(&rt, &f, &f.root.join("query.sqlite"));
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
    let berlin = rt
        .block_on(list_sites(&pool))
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Berlin")
        .unwrap()
        .id;
    let mut g = c.benchmark_group("page of 200 over 200k computers");
    let cases = [
        (
            "first page, by name",
            ComputerQuery {
                limit: 200,
                ..Default::default()
            },
        ),
        (
            "page 250, by name",
            ComputerQuery {
                offset: 50_000,
                limit: 200,
                ..Default::default()
            },
        ),
        (
            "site filter, by last seen desc",
            ComputerQuery {
                site_id: Some(berlin),
                sort: ComputerSort::LastSeen,
                descending: true,
                limit: 200,
                ..Default::default()
            },
        ),
        (
            "workstations seen within 7 days, by OS version",
            ComputerQuery {
                role: Some(Role::Workstation),
                last_seen_within_days: Some(7),
                sort: ComputerSort::OsVersion,
                limit: 200,
                ..Default::default()
            },
        ),
        (
            "text search 'mueller', by owner",
            ComputerQuery {
                search: Some("mueller".into()),
                sort: ComputerSort::Owner,
                limit: 200,
                ..Default::default()
            },
        ),
        (
            "by free disk, page 100",
            ComputerQuery {
                sort: ComputerSort::FreeDisk,
                offset: 20_000,
                limit: 200,
                ..Default::default()
            },
        ),
    ];
    for (name, q) in cases {
        g.bench_function(name, |b| {
            b.iter(|| {
                let p = rt.block_on(list_computers(&pool, &q, now)).unwrap();
                assert!(p.total > 0);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, import, page_query);
criterion_main!(benches);
