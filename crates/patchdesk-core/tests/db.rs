//! The store: pragmas, backup before migrating, two writers.

mod common;

use common::*;
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::import::ImportOptions;

#[tokio::test]
async fn pragmas_are_set_on_every_connection() {
    let (_dir, pool) = fresh_db().await;
    // Hold every pooled connection at once, so each one is checked, not one reused.
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(pool.acquire().await.unwrap());
    }
    for conn in conns.iter_mut() {
        let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let (fk,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let (busy,): (i64,) = sqlx::query_as("PRAGMA busy_timeout")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let (sync,): (i64,) = sqlx::query_as("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(fk, 1);
        assert!(busy >= 10_000, "{busy}");
        assert_eq!(sync, 2, "FULL");
    }
}

#[tokio::test]
async fn an_existing_file_is_backed_up_before_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patchdesk.sqlite");
    {
        // An older database: data, but none of the current migrations.
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
        sqlx::query("CREATE TABLE legacy_notes (note TEXT)")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("INSERT INTO legacy_notes VALUES ('keep me')")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    }
    mock_credential_store();
    let pool = patchdesk_core::db::open(&path).await.unwrap();
    pool.close().await;
    let backup = dir.path().join("patchdesk.backup-0.sqlite");
    assert!(
        backup.exists(),
        "backup missing: {:?}",
        std::fs::read_dir(dir.path()).unwrap().collect::<Vec<_>>()
    );
    let b = sqlx::SqlitePool::connect(&format!("sqlite://{}?mode=ro", backup.display()))
        .await
        .unwrap();
    let (note,): (String,) = sqlx::query_as("SELECT note FROM legacy_notes")
        .fetch_one(&b)
        .await
        .unwrap();
    assert_eq!(note, "keep me");
    // Opening an up-to-date file makes no new backup.
    std::fs::remove_file(&backup).unwrap();
    mock_credential_store();
    let pool = patchdesk_core::db::open(&path).await.unwrap();
    pool.close().await;
    assert!(!backup.exists());
}

/// Two processes' worth of writers (two pools on one file) importing at once: both
/// succeed, thanks to BEGIN IMMEDIATE and the busy timeout.
#[tokio::test]
async fn two_writers_do_not_fail_with_database_is_locked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patchdesk.sqlite");
    mock_credential_store();
    let p1 = patchdesk_core::db::open(&path).await.unwrap();
    let p2 = patchdesk_core::db::open(&path).await.unwrap();
    let csv = tempfile::tempdir().unwrap();
    demo::write_csv(
        csv.path(),
        DemoOptions {
            computers: 20_000,
            seed: 9,
        },
        now(),
        &NP,
    )
    .unwrap();
    let a = csv.path().join("computers.csv");
    let mut tasks = Vec::new();
    for i in 0..4 {
        let pool = if i % 2 == 0 { p1.clone() } else { p2.clone() };
        let a = a.clone();
        tasks.push(tokio::spawn(async move {
            patchdesk_core::inventory::import_computers(
                &pool,
                &a,
                ImportOptions::default(),
                &NP,
                &BY,
            )
            .await
        }));
    }
    for t in tasks {
        let r = t.await.unwrap().unwrap();
        assert_eq!(r.accepted, 20_000);
    }
    assert_eq!(
        patchdesk_core::summary(&p1).await.unwrap().computers,
        20_000
    );
    // The bulk path dropped the secondary indexes during each import and rebuilt them.
    assert!(std::fs::metadata(&a).unwrap().len() > patchdesk_core::inventory::BULK_BYTES);
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'computers' ORDER BY name",
    )
    .fetch_all(&p1)
    .await
    .unwrap();
    let names: Vec<&str> = names.iter().map(|n| n.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "computers_free_disk",
            "computers_last_run",
            "computers_last_seen",
            "computers_os_version",
            "computers_site",
            "computers_targeting",
            "sqlite_autoindex_computers_1"
        ]
    );
}

/// A directory whose name holds '?' or '%' is a directory, not URL options.
#[tokio::test]
async fn odd_directory_names_are_taken_literally() {
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("data?mode=memory").join("100%41");
    let path = odd.join("patchdesk.sqlite");
    mock_credential_store();
    let pool = patchdesk_core::db::open(&path).await.unwrap();
    sqlx::query("INSERT INTO sites (name, time_zone) VALUES ('Seoul', 'Asia/Seoul')")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(path.is_file(), "the database is at the literal path");
    let again = patchdesk_core::db::open(&path).await.unwrap();
    assert_eq!(patchdesk_core::summary(&again).await.unwrap().sites, 1);
}

/// Opening an up-to-date database writes nothing, so a read-only command is not locked
/// out by a long import holding the write lock; a second writer is told clearly why it
/// could not write, never SQLite's bare "database is locked".
#[tokio::test]
async fn opening_needs_no_write_lock_and_a_blocked_writer_is_told_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("patchdesk.sqlite");
    let first = patchdesk_core::db::open(&path).await.unwrap();
    // Another process holds the write lock, as a long import does.
    let mut holder = patchdesk_core::db::begin_write(&first).await.unwrap();
    sqlx::query("INSERT INTO sites (name, time_zone) VALUES ('Held', 'Asia/Seoul')")
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let reader = patchdesk_core::db::open(&path).await.unwrap();
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "opening waited for the write lock ({:?})",
        started.elapsed()
    );
    assert_eq!(patchdesk_core::summary(&reader).await.unwrap().sites, 0);
    // A writer waits out the busy timeout, then gets a clear conflict.
    let e = patchdesk_core::approvals::operator_for_os_user(
        &reader,
        &patchdesk_core::ports::FixedClock(now()),
        "someone",
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), patchdesk_core::ErrorKind::Conflict, "{e}");
    assert!(
        e.to_string()
            .contains("another change to the database is in progress"),
        "{e}"
    );
    assert_eq!(
        e.to_wire().message,
        e.to_string(),
        "the app shows the same words"
    );
    holder.rollback().await.unwrap();
}
