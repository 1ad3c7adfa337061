//! Collection benchmarks at 200,000 computers and 1,000 collections (a mix of query,
//! include, exclude and limiting rules), with the same query written by hand and run by
//! `sqlite3` on the same database file as the baseline, in the same run.
//!
//! `cargo bench -p patchdesk-core --bench collections` (needs `sqlite3` on PATH).

use chrono::{DateTime, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use patchdesk_core::collections::{self, CollectionInput, Scope};
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::ports::{FixedClock, NoProgress};
use patchdesk_core::SqlitePool;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const COMPUTERS: u32 = 200_000;
const COLLECTIONS: usize = 1_000;
const QUERY: &str = "site = 'Seoul HQ' and role = workstation and os_version < 10.0.19045";
/// The same membership written by hand, as a DBA would.
const HAND_SQL: &str = "SELECT c.id FROM computers c JOIN sites s ON s.id = c.site_id \
    WHERE s.name = 'Seoul HQ' AND c.role = 'workstation' \
    AND c.os_version_key != '' AND c.os_version_key < '0000000010.0000000000.0000019045';";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap()
}

/// A small deterministic generator for the collection mix.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[(self.next() % v.len() as u64) as usize]
    }
}

const SITES: [&str; 8] = [
    "Seoul HQ",
    "Busan",
    "Berlin",
    "Munich",
    "New York",
    "Chicago",
    "São Paulo",
    "Sydney",
];

fn random_query(r: &mut Rng) -> String {
    let site = r.pick(&SITES);
    match r.next() % 8 {
        0 => format!("site = '{site}' and role = workstation"),
        1 => format!(
            "site = '{site}' and os_version < {}",
            r.pick(&["10.0.17763", "10.0.19045", "10.0.22621"])
        ),
        2 => format!("last_seen within {}d and role = server", 1 + r.next() % 30),
        3 => format!(
            "msxml < {} or dotnet < 4.8",
            r.pick(&["6.0", "6.30", "8.110"])
        ),
        4 => format!(
            "free_disk_gb < {} and site in ('{site}', '{}')",
            5 + r.next() % 40,
            r.pick(&SITES)
        ),
        5 => format!(
            "policy = {} and last_run older than {}d",
            r.pick(&[
                "notify_download",
                "auto_download_scheduled",
                "configmgr_advertised"
            ]),
            7 + r.next() % 30
        ),
        6 => format!(
            "department = '{}' and not (agent_state = running)",
            r.pick(&["Finance", "Sales", "Engineering", "IT", "HR"])
        ),
        _ => format!(
            "name like '{}*'",
            r.pick(&["SEO", "BER", "NYC", "SAO", "MUC"])
        ),
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    db: PathBuf,
    pool: SqlitePool,
    rt: tokio::runtime::Runtime,
    one: i64,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("patchdesk.sqlite");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pool = rt.block_on(patchdesk_core::db::open(&db)).unwrap();
    let clock = FixedClock(now());
    let one = rt.block_on(async {
        demo::load(
            &pool,
            DemoOptions {
                computers: COMPUTERS,
                seed: 42,
            },
            now(),
            false,
            &NoProgress,
            &patchdesk_core::audit::By {
                actor: "benchmark",
                clock: &clock,
            },
        )
        .await
        .unwrap();
        collections::ensure_builtins(&pool, &clock).await.unwrap();
        let mut ids: Vec<i64> = collections::list(&pool, &clock)
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        let one = collections::create(
            &pool,
            &clock,
            "benchmark",
            &CollectionInput {
                name: "Seoul workstations on an old OS".into(),
                query: QUERY.into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .collection
        .id;
        ids.push(one);
        let mut r = Rng(7);
        let mut i = 0;
        while ids.len() < COLLECTIONS {
            i += 1;
            let mut input = CollectionInput {
                name: format!("Collection {i:04}"),
                ..Default::default()
            };
            // Roughly 60% query, 20% include, 15% exclude, 5% limiting.
            match r.next() % 20 {
                0..=11 => input.query = random_query(&mut r),
                12..=15 => input.includes = vec![*r.pick(&ids), *r.pick(&ids)],
                16..=18 => {
                    input.query = random_query(&mut r);
                    input.excludes = vec![*r.pick(&ids)];
                }
                _ => {
                    input.query = random_query(&mut r);
                    input.limit_id = Some(*r.pick(&ids));
                }
            }
            input.includes.dedup();
            if let Ok(d) = collections::create(&pool, &clock, "benchmark", &input).await {
                ids.push(d.collection.id);
            }
        }
        let t = std::time::Instant::now();
        collections::evaluate_all(&pool, &clock, Scope::All, &NoProgress)
            .await
            .unwrap();
        eprintln!(
            "first evaluation of all {COLLECTIONS}: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let t = std::time::Instant::now();
        let evals = collections::evaluate_all(&pool, &clock, Scope::All, &NoProgress)
            .await
            .unwrap();
        eprintln!(
            "re-evaluation of all {COLLECTIONS}: {:.1} s",
            t.elapsed().as_secs_f64()
        );
        if std::env::var("PATCHDESK_BENCH_PROFILE").is_ok() {
            let list = collections::list(&pool, &clock).await.unwrap();
            let mut by_kind: std::collections::BTreeMap<&str, (i64, i64)> = Default::default();
            let mut rows: Vec<(i64, String, i64)> = Vec::new();
            for e in &evals {
                let c = list.iter().find(|c| c.id == e.id).unwrap();
                let kind = if c.builtin.is_some() {
                    "builtin"
                } else if !c.includes.is_empty() && c.query.is_empty() {
                    "include"
                } else if !c.excludes.is_empty() {
                    "query+exclude"
                } else if c.limit.is_some() {
                    "query+limit"
                } else {
                    "query"
                };
                let k = by_kind.entry(kind).or_default();
                k.0 += 1;
                k.1 += e.elapsed_ms;
                rows.push((
                    e.elapsed_ms,
                    format!(
                        "{kind}: {} inc={:?}",
                        c.query,
                        c.includes
                            .iter()
                            .map(|i| i.name.as_str())
                            .collect::<Vec<_>>()
                    ),
                    e.member_count,
                ));
            }
            eprintln!("{by_kind:?}");
            rows.sort();
            for r in rows.iter().rev().take(25) {
                eprintln!("{:>6} ms {:>7} members  {}", r.0, r.2, r.1);
            }
        }
        one
    });
    Fixture {
        _dir: dir,
        db,
        pool,
        rt,
        one,
    }
}

/// Runs `sql` `n` times inside one `sqlite3` process with `.timer on` and returns the
/// time SQLite itself reports (process start-up is not counted).
fn sqlite3_time(db: &Path, sql: &str, n: u64) -> Duration {
    let mut script = String::from(".timer on\n.output /dev/null\n");
    for _ in 0..n {
        script.push_str(sql);
        script.push('\n');
    }
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sqlite3 on PATH");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    let total: f64 = text
        .lines()
        .filter_map(|l| l.strip_prefix("Run Time: real "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<f64>().ok())
        .sum();
    Duration::from_secs_f64(total)
}

fn one_collection(c: &mut Criterion) {
    let f = fixture();
    let clock = FixedClock(now());
    let (sql, params) = collections::query_sql(QUERY, now()).unwrap();
    let members =
        f.rt.block_on(collections::member_ids(&f.pool, f.one))
            .unwrap()
            .len();
    let hand: usize = String::from_utf8_lossy(
        &Command::new("sqlite3")
            .arg(&f.db)
            .arg(HAND_SQL)
            .output()
            .unwrap()
            .stdout,
    )
    .lines()
    .count();
    assert_eq!(members, hand, "the hand-written SQL finds the same members");
    eprintln!("'{QUERY}': {members} members of {COMPUTERS}");

    let mut g = c.benchmark_group(format!(
        "one query collection, {COMPUTERS} computers, {COLLECTIONS} collections"
    ));
    g.sample_size(30);
    g.bench_function(
        "patchdesk evaluate (query, diff with the last membership, store, one transaction)",
        |b| {
            b.iter(|| {
                f.rt.block_on(collections::evaluate(&f.pool, &clock, f.one))
                    .unwrap()
            })
        },
    );
    g.bench_function("patchdesk compiled query alone (fetch member ids)", |b| {
        b.iter(|| {
            let q = collections::bind_params(sqlx::query(&sql), &params);
            f.rt.block_on(q.fetch_all(&f.pool)).unwrap()
        })
    });
    // Both sides counted inside SQLite: the compiled SQL against the hand-written one,
    // without the cost of handing rows to the caller.
    let count_sql = format!("SELECT COUNT(*) FROM ({sql})");
    g.bench_function("patchdesk compiled query, counted inside SQLite", |b| {
        b.iter(|| {
            let q = collections::bind_params(sqlx::query(&count_sql), &params);
            let n: i64 = sqlx::Row::get(&f.rt.block_on(q.fetch_one(&f.pool)).unwrap(), 0);
            assert_eq!(n as usize, members);
        })
    });
    let hand_count = format!("SELECT COUNT(*) FROM ({});", HAND_SQL.trim_end_matches(';'));
    g.bench_function(
        "baseline: the same query by hand in sqlite3, counted (.timer)",
        |b| b.iter_custom(|iters| sqlite3_time(&f.db, &hand_count, iters)),
    );
    g.bench_function(
        "baseline: the same query by hand in sqlite3 (.timer)",
        |b| b.iter_custom(|iters| sqlite3_time(&f.db, HAND_SQL, iters)),
    );
    g.finish();

    let mut g = c.benchmark_group(format!("all {COLLECTIONS} collections"));
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("re-evaluate every collection in dependency order", |b| {
        b.iter(|| {
            let n =
                f.rt.block_on(collections::evaluate_all(
                    &f.pool,
                    &clock,
                    Scope::All,
                    &NoProgress,
                ))
                .unwrap()
                .len();
            assert_eq!(n, COLLECTIONS);
        })
    });
    g.finish();
}

criterion_group!(benches, one_collection);
criterion_main!(benches);
