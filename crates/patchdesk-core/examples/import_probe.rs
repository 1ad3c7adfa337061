use patchdesk_core::csvread::CsvReader;
use patchdesk_core::import::ImportOptions;
use patchdesk_core::ports::NoProgress;
use std::time::Instant;

#[tokio::main]
async fn main() {
    let csv = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    let t = Instant::now();
    let mut r = CsvReader::new(std::io::BufReader::new(std::fs::File::open(&csv).unwrap()));
    let mut n = 0;
    while let Some(_rec) = r.next_record().unwrap() {
        n += 1;
    }
    println!("parse only: {n} records in {:?}", t.elapsed());
    for variant in ["as is", "no secondary indexes"] {
        let dir = tempfile::tempdir().unwrap();
        let pool = patchdesk_core::db::open(&dir.path().join("x.sqlite"))
            .await
            .unwrap();
        if variant != "as is" {
            sqlx::query("DROP INDEX computers_site")
                .execute(&pool)
                .await
                .unwrap();
            sqlx::query("DROP INDEX computers_last_seen")
                .execute(&pool)
                .await
                .unwrap();
        }
        let t = Instant::now();
        let rep = patchdesk_core::inventory::import_computers(
            &pool,
            &csv,
            ImportOptions::default(),
            &NoProgress,
        )
        .await
        .unwrap();
        println!("{variant}: {} rows in {:?}", rep.accepted, t.elapsed());
        let t = Instant::now();
        let rep = patchdesk_core::inventory::import_computers(
            &pool,
            &csv,
            ImportOptions {
                dry_run: true,
                all_or_nothing: false,
            },
            &NoProgress,
        )
        .await
        .unwrap();
        println!(
            "{variant}: re-import (all updates, dry run) {} rows in {:?}",
            rep.accepted,
            t.elapsed()
        );
    }
}
