//! CSV import of computers against a real SQLite file.

mod common;

use common::*;
use patchdesk_core::import::ImportOptions;
use patchdesk_core::inventory::{import_computers, list_computers, ComputerQuery};
use patchdesk_core::ErrorKind;

const HEADER: &str = "Computer Name,Site,Time Zone,Role,OS,OS Version,Owner,Owner E-mail,Last Seen,Update Client Policy,prereq:MSXML\n";

fn good_rows() -> String {
    [
        "SEOUL-WS-001,Seoul,Asia/Seoul,workstation,Windows 11 Enterprise,10.0.22631,Kim Min-jun,minjun.kim@corp.example,2026-11-19T08:00:00Z,auto_download_scheduled,8.110.7601.0",
        "BERLIN-SRV-01,Berlin,Europe/Berlin,server,Windows Server 2022,10.0.20348,IT Ops,it@corp.example,2026-11-19 07:00,2,8.40.9419.0",
        "NYC-WS-010,New York,America/New_York,,Windows 10 Enterprise,10.0.19045,\"Smith, Ann\",ann.smith@corp.example,,configmgr,",
    ]
    .join("\n")
        + "\n"
}

async fn import(
    pool: &patchdesk_core::SqlitePool,
    path: &std::path::Path,
    options: ImportOptions,
) -> patchdesk_core::Result<patchdesk_core::import::ImportReport> {
    import_computers(pool, path, options, &NP, &BY).await
}

#[tokio::test]
async fn imports_with_aliases_and_upserts_by_name() {
    let (dir, pool) = fresh_db().await;
    let f = write(
        dir.path(),
        "a.csv",
        format!("\u{feff}{HEADER}{}", good_rows())
            .replace('\n', "\r\n")
            .as_bytes(),
    );
    let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
    assert_eq!(
        (r.rows_read, r.accepted, r.rejected, r.inserted, r.updated),
        (3, 3, 0, 3, 0)
    );
    assert!(r.applied);
    let page = list_computers(&pool, &ComputerQuery::default(), now())
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    let nyc = page.rows.iter().find(|c| c.name == "NYC-WS-010").unwrap();
    assert_eq!(nyc.owner_name, "Smith, Ann");
    assert_eq!(nyc.site_time_zone, "America/New_York");
    assert!(nyc.last_seen.is_none());

    // A second file with fewer columns updates only what it has.
    let f2 = write(
        dir.path(),
        "b.csv",
        b"hostname,site,owner\nseoul-ws-001,Seoul,Lee Ji-ho\nSEOUL-WS-002,Seoul,Park Su-bin\n",
    );
    let r2 = import(&pool, &f2, ImportOptions::default()).await.unwrap();
    assert_eq!((r2.accepted, r2.inserted, r2.updated), (2, 1, 1));
    let page = list_computers(
        &pool,
        &ComputerQuery {
            search: Some("SEOUL-WS-001".into()),
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap();
    let c = &page.rows[0];
    assert_eq!(c.owner_name, "Lee Ji-ho");
    assert_eq!(
        c.os_version, "10.0.22631",
        "a column the file lacks is kept"
    );
    assert_eq!(c.owner_email, "minjun.kim@corp.example");
}

#[tokio::test]
async fn rejects_bad_rows_with_line_column_and_reason() {
    let (dir, pool) = fresh_db().await;
    let content = format!(
        "{HEADER}{}{}{}{}{}",
        "GOOD-1,Seoul,Asia/Seoul,workstation,Windows 11,10.0.22631,A,a@corp.example,,1,\n",
        "BAD-TZ,Mars,Mars/Olympus,workstation,Windows 11,10.0.22631,B,b@corp.example,,1,\n",
        "GOOD-2,Seoul,,server,Windows Server 2022,10.0.20348,C,c@corp.example,,3,\n",
        "BAD-COLS,Seoul,Asia/Seoul,workstation\n",
        "GOOD-3,Berlin,Europe/Berlin,workstation,Windows 10,10.0.19045,D,d@corp.example,,4,\n",
    );
    let f = write(dir.path(), "mixed.csv", content.as_bytes());
    let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
    assert_eq!((r.rows_read, r.accepted, r.rejected), (5, 3, 2));
    assert_eq!(r.accepted + r.rejected, r.rows_read);
    assert_eq!(r.rejections[0].line, 3);
    assert_eq!(r.rejections[0].column.as_deref(), Some("Time Zone"));
    assert!(
        r.rejections[0].reason.contains("Mars/Olympus"),
        "{}",
        r.rejections[0].reason
    );
    assert_eq!(r.rejections[1].line, 5);
    assert!(
        r.rejections[1].reason.contains("4 fields"),
        "{}",
        r.rejections[1].reason
    );
    let total = list_computers(&pool, &ComputerQuery::default(), now())
        .await
        .unwrap()
        .total;
    assert_eq!(total, 3);
}

#[tokio::test]
async fn row_level_rejections_name_the_field() {
    let (dir, pool) = fresh_db().await;
    let cases: &[(&str, &str, &str)] = &[
        (
            "X1,Seoul,Asia/Seoul,workstation,Win,10.0.1,A,not-an-email,,1,",
            "Owner E-mail",
            "not an e-mail",
        ),
        (
            "X2,Seoul,Asia/Seoul,robot,Win,10.0.1,A,a@corp.example,,1,",
            "Role",
            "not a role",
        ),
        (
            "X3,Seoul,Asia/Seoul,workstation,Win,ten,A,a@corp.example,,1,",
            "OS Version",
            "not a version",
        ),
        (
            "X4,Seoul,Asia/Seoul,workstation,Win,10.0.1,A,a@corp.example,yesterday,1,",
            "Last Seen",
            "not a date",
        ),
        (
            "X5,Seoul,Asia/Seoul,workstation,Win,10.0.1,A,a@corp.example,,7,",
            "Update Client Policy",
            "not an update-client policy",
        ),
        (
            "X 6,Seoul,Asia/Seoul,workstation,Win,10.0.1,A,a@corp.example,,1,",
            "Computer Name",
            "may hold only",
        ),
        (
            "X7,Seoul,europe/berlin,workstation,Win,10.0.1,A,a@corp.example,,1,",
            "Time Zone",
            "did you mean Europe/Berlin",
        ),
        (
            "X8,Busan,,workstation,Win,10.0.1,A,a@corp.example,,1,",
            "Site",
            "is new",
        ),
        (
            "X9,Seoul,Asia/Seoul,workstation,Win,10.0.1,A,a@corp.example,,1,ab\"c",
            "prereq:MSXML",
            "quote inside an unquoted field",
        ),
    ];
    for (row, col, reason) in cases {
        let f = write(dir.path(), "one.csv", format!("{HEADER}{row}\n").as_bytes());
        let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
        assert_eq!(r.rejected, 1, "{row}");
        let rej = &r.rejections[0];
        assert_eq!(rej.line, 2);
        assert_eq!(rej.column.as_deref(), Some(*col), "{row}: {rej:?}");
        assert!(rej.reason.contains(reason), "{row}: {}", rej.reason);
    }
    assert_eq!(fingerprint(&pool).await, "", "nothing was written");
}

#[tokio::test]
async fn duplicate_names_in_one_file_are_rejected_naming_the_first_line() {
    let (dir, pool) = fresh_db().await;
    let f = write(dir.path(), "dup.csv", b"name,site,time_zone\nPC-1,Seoul,Asia/Seoul\nPC-2,Seoul,Asia/Seoul\npc-1,Seoul,Asia/Seoul\n");
    let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
    assert_eq!((r.accepted, r.rejected), (2, 1));
    assert_eq!(r.rejections[0].line, 4);
    assert!(
        r.rejections[0].reason.contains("also on line 2"),
        "{}",
        r.rejections[0].reason
    );
    // A site's zone may not change half-way through a file either.
    let f = write(
        dir.path(),
        "tz.csv",
        b"name,site,time_zone\nPC-3,Seoul,Asia/Tokyo\n",
    );
    let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
    assert!(
        r.rejections[0]
            .reason
            .contains("has time zone Asia/Seoul in PatchDesk"),
        "{}",
        r.rejections[0].reason
    );
}

/// File-level problems: an error naming the line, and the database exactly as before.
#[tokio::test]
async fn bad_files_change_nothing() {
    let (dir, pool) = fresh_db().await;
    let seed = write(
        dir.path(),
        "seed.csv",
        format!("{HEADER}{}", good_rows()).as_bytes(),
    );
    import(&pool, &seed, ImportOptions::default())
        .await
        .unwrap();
    let before = fingerprint(&pool).await;

    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("unterminated quote", format!("{HEADER}NEW-1,Seoul,Asia/Seoul,workstation,Win,10.0.1,\"Kim,a@corp.example,,1,\nNEW-2,Seoul,Asia/Seoul,workstation,Win,10.0.1,Lee,b@corp.example,,1,\n").into_bytes(), "line 2, column 7: a quoted field is never closed"),
        ("invalid UTF-8", [format!("{HEADER}NEW-1,Seoul,Asia/Seoul,workstation,Win,10.0.1,").into_bytes(), b"M\xFCller,m@corp.example,,1,\n".to_vec()].concat(), "line 2, column 7: not valid UTF-8"),
        ("empty file", Vec::new(), "is empty"),
        ("header only", HEADER.as_bytes().to_vec(), "has a header but no data rows"),
        ("missing required column", b"name,owner\nPC-1,Kim\n".to_vec(), "line 1: the header lacks a required column: 'site'"),
        ("UTF-16", b"\xFF\xFEn\x00a\x00".to_vec(), "UTF-16"),
    ];
    for (what, content, expected) in cases {
        let f = write(dir.path(), "bad.csv", &content);
        let e = import(&pool, &f, ImportOptions::default())
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{what}");
        assert!(e.to_string().contains(expected), "{what}: {e}");
        assert_eq!(
            fingerprint(&pool).await,
            before,
            "{what} changed the database"
        );
    }

    // Row problems with --all-or-nothing, and a dry run: also nothing changes.
    let mixed = write(dir.path(), "mixed.csv", format!("{HEADER}NEW-9,Seoul,Asia/Seoul,workstation,Win,10.0.1,K,k@corp.example,,1,\nNEW-10,Seoul\n").as_bytes());
    let r = import(
        &pool,
        &mixed,
        ImportOptions {
            all_or_nothing: true,
            dry_run: false,
        },
    )
    .await
    .unwrap();
    assert!(!r.applied);
    assert_eq!((r.accepted, r.rejected), (1, 1));
    let r = import(
        &pool,
        &mixed,
        ImportOptions {
            all_or_nothing: false,
            dry_run: true,
        },
    )
    .await
    .unwrap();
    assert!(!r.applied && r.dry_run);
    assert_eq!(fingerprint(&pool).await, before);
}

/// A 50 MB file: streamed, the bad row found at its exact line; and a 50 MB single
/// record is refused quickly instead of being read into one field.
#[tokio::test]
async fn fifty_megabyte_files() {
    let (dir, pool) = fresh_db().await;
    let path = dir.path().join("big.csv");
    {
        use std::io::Write;
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        w.write_all(HEADER.as_bytes()).unwrap();
        let mut n = 0u64;
        let mut written = HEADER.len() as u64;
        while written < 50 * 1024 * 1024 {
            n += 1;
            let line = format!("PC-{n:07},Seoul,Asia/Seoul,workstation,Windows 11 Enterprise,10.0.22631,Employee Number {n} of the Seoul office,employee{n}@corp.example,2026-11-19T08:00:00Z,auto_download_scheduled,8.110.7601.0\n");
            written += line.len() as u64;
            w.write_all(line.as_bytes()).unwrap();
        }
        w.write_all(b"PC-LAST,Seoul,Asia/Seoul,workstation,Win,10.0.1,X,x@corp.example,,99,\n")
            .unwrap();
        n += 1;
        w.flush().unwrap();
        let r = import(
            &pool,
            &path,
            ImportOptions {
                all_or_nothing: true,
                dry_run: false,
            },
        )
        .await
        .unwrap();
        assert_eq!(r.rows_read, n);
        assert_eq!(r.rejected, 1);
        assert_eq!(r.rejections[0].line, n + 1);
        assert!(!r.applied);
        assert_eq!(fingerprint(&pool).await, "");
    }
    let mut huge = b"name,site\nPC-1,\"".to_vec();
    huge.resize(50 * 1024 * 1024, b'x');
    let f = write(dir.path(), "huge.csv", &huge);
    let e = import(&pool, &f, ImportOptions::default())
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("line 2, column 2: the record starting here is longer than 1024 KiB"),
        "{e}"
    );
}

/// Cancelling mid-import (as the UI's Cancel button does) rolls everything back.
#[tokio::test]
async fn cancelling_an_import_changes_nothing() {
    use patchdesk_core::ports::Progress;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// Asks to stop once the second batch has been written.
    struct CancelAfterTwoBatches(AtomicU32);
    impl Progress for CancelAfterTwoBatches {
        fn advance(&self, _done: u64) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        fn is_cancelled(&self) -> bool {
            self.0.load(Ordering::SeqCst) >= 2
        }
    }

    let (dir, pool) = fresh_db().await;
    let seed = write(
        dir.path(),
        "seed.csv",
        format!("{HEADER}{}", good_rows()).as_bytes(),
    );
    import(&pool, &seed, ImportOptions::default())
        .await
        .unwrap();
    let before = fingerprint(&pool).await;
    let csv = tempfile::tempdir().unwrap();
    patchdesk_core::demo::write_csv(
        csv.path(),
        patchdesk_core::demo::DemoOptions {
            computers: 5000,
            seed: 11,
        },
        now(),
        &NP,
    )
    .unwrap();
    let progress = CancelAfterTwoBatches(AtomicU32::new(0));
    let e = import_computers(
        &pool,
        &csv.path().join("computers.csv"),
        ImportOptions::default(),
        &progress,
        &BY,
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    assert_eq!(
        progress.0.load(std::sync::atomic::Ordering::SeqCst),
        2,
        "stopped after two batches"
    );
    assert_eq!(fingerprint(&pool).await, before);
}

/// A file that mentions one prerequisite, or leaves the role blank, keeps what it does
/// not say: the other prerequisites and the computer's role.
#[tokio::test]
async fn partial_files_keep_what_they_do_not_say() {
    let (dir, pool) = fresh_db().await;
    let f = write(dir.path(), "a.csv", b"name,site,time_zone,role,os_name,prereq:MSXML,prereq:.NET Framework\nSRV-1,Berlin,Europe/Berlin,server,Windows,8.40.9419.0,4.8.09032\n");
    import(&pool, &f, ImportOptions::default()).await.unwrap();
    let f = write(
        dir.path(),
        "b.csv",
        b"name,site,role,prereq:MSXML\nSRV-1,Berlin,,8.110.7601.0\n",
    );
    let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
    assert_eq!((r.accepted, r.updated), (1, 1));
    let page = list_computers(&pool, &ComputerQuery::default(), now())
        .await
        .unwrap();
    assert_eq!(page.rows[0].role, patchdesk_core::inventory::Role::Server);
    let d = patchdesk_core::inventory::get_computer(&pool, page.rows[0].id)
        .await
        .unwrap();
    let p: Vec<(String, String)> = d
        .prerequisites
        .into_iter()
        .map(|p| (p.name, p.version))
        .collect();
    assert_eq!(
        p,
        vec![
            (".NET Framework".into(), "4.8.09032".into()),
            ("MSXML".into(), "8.110.7601.0".into())
        ]
    );
}

/// Rows are parsed on one thread and written on another, batch by batch. A site a file
/// introduces deep into the file is created once and its computers land in it; a later
/// row giving that site another zone is refused naming the line that introduced it.
#[tokio::test]
async fn sites_introduced_in_later_batches_are_created_once() {
    let (dir, pool) = fresh_db().await;
    let mut csv = String::from(HEADER);
    let mut line = 1;
    let mut row = |csv: &mut String, name: String, site: &str, tz: &str| {
        csv.push_str(&format!(
            "{name},{site},{tz},workstation,Windows 11 Enterprise,10.0.22631,A,a@corp.example,,1,\n"
        ));
        line += 1;
        line
    };
    for i in 0..1500 {
        row(&mut csv, format!("SEL-{i:05}"), "Seoul", "Asia/Seoul");
    }
    let busan_line = row(&mut csv, "PUS-00000".into(), "Busan", "Asia/Seoul");
    for i in 1..700 {
        row(&mut csv, format!("PUS-{i:05}"), "busan", "");
    }
    let clash = row(&mut csv, "PUS-99999".into(), "Busan", "Asia/Tokyo");
    let f = write(dir.path(), "two-sites.csv", csv.as_bytes());
    let r = import(&pool, &f, ImportOptions::default()).await.unwrap();
    assert_eq!((r.rows_read, r.accepted, r.rejected), (2201, 2200, 1));
    assert_eq!(r.rejections[0].line, clash);
    assert!(
        r.rejections[0]
            .reason
            .contains(&format!("Asia/Seoul on line {busan_line}")),
        "{}",
        r.rejections[0].reason
    );
    let per_site: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT s.name, s.time_zone, count(*) FROM computers c JOIN sites s ON s.id = c.site_id
         GROUP BY s.id ORDER BY s.name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        per_site,
        [
            ("Busan".to_string(), "Asia/Seoul".to_string(), 700),
            ("Seoul".to_string(), "Asia/Seoul".to_string(), 1500)
        ]
    );
}

/// A file in which every row is rejected still reports progress and can be cancelled:
/// nothing is accepted, so the writer only hears of it through the parser's ticks.
#[tokio::test]
async fn a_file_of_rejected_rows_can_be_cancelled() {
    use patchdesk_core::ports::Progress;
    use std::sync::atomic::{AtomicU64, Ordering};

    /// Cancels once progress has been reported at all.
    struct CancelOnFirstAdvance(AtomicU64);
    impl Progress for CancelOnFirstAdvance {
        fn advance(&self, done: u64) {
            self.0.fetch_max(done, Ordering::SeqCst);
        }
        fn is_cancelled(&self) -> bool {
            self.0.load(Ordering::SeqCst) > 0
        }
    }

    let (dir, pool) = fresh_db().await;
    let mut csv = String::from(HEADER);
    for i in 0..50_000 {
        csv.push_str(&format!(
            "BAD-{i},Seoul,Asia/Seoul,robot,Win,10.0.1,A,a@corp.example,,1,\n"
        ));
    }
    let f = write(dir.path(), "bad.csv", csv.as_bytes());
    let size = csv.len() as u64;
    let progress = CancelOnFirstAdvance(AtomicU64::new(0));
    let e = import_computers(&pool, &f, ImportOptions::default(), &progress, &BY)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    let reached = progress.0.load(Ordering::SeqCst);
    assert!(
        reached > 0 && reached < size / 2,
        "stopped early: {reached} of {size} bytes"
    );
    assert_eq!(fingerprint(&pool).await, "");
}

/// A decomposed "São Paulo" (a + combining tilde, as some tools write it) is the same
/// site as the composed one, and a query typed either way finds its computers.
#[tokio::test]
async fn decomposed_names_are_stored_composed() {
    let (dir, pool) = fresh_db().await;
    let composed = "S\u{e3}o Paulo";
    let decomposed = "Sa\u{303}o Paulo";
    let csv = write(
        dir.path(),
        "sites.csv",
        format!(
            "name,site,time_zone\nSP-1,{composed},America/Sao_Paulo\nSP-2,{decomposed},America/Sao_Paulo\n"
        )
        .as_bytes(),
    );
    let r = import(&pool, &csv, ImportOptions::default()).await.unwrap();
    assert_eq!((r.accepted, r.rejected), (2, 0), "{:?}", r.rejections);
    let sites: Vec<String> = sqlx::query_scalar("SELECT name FROM sites")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(sites, [composed]);
    for typed in [composed, decomposed] {
        let input = patchdesk_core::collections::CollectionInput {
            name: "São Paulo".into(),
            description: String::new(),
            query: format!("site = '{typed}'"),
            limit_id: None,
            includes: Vec::new(),
            excludes: Vec::new(),
            direct: Vec::new(),
            continuous: false,
        };
        let p = patchdesk_core::collections::preview(
            &pool,
            &patchdesk_core::ports::FixedClock(now()),
            &input,
            None,
            10,
        )
        .await
        .unwrap();
        assert_eq!(p.count, 2, "{typed:?}");
    }
}
