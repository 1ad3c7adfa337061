//! CSV import of the update catalogue.

mod common;

use common::*;
use patchdesk_core::catalog::{import_updates, list_updates, UpdateQuery};
use patchdesk_core::import::ImportOptions;

#[tokio::test]
async fn imports_updates_strictly() {
    let (dir, pool) = fresh_db().await;
    let f = write(dir.path(), "u.csv", "KB Article,Bulletin,Title,Classification,Severity,Product,Released,Superseded By,Restart Required,Uninstallable,Max Run Time\r\n\
        936021,MS07-042,Security Update for Microsoft XML Core Services 3.0 (KB936021),Security Update,Critical,MSXML,2007-08-14,,no,yes,10\r\n\
        KB5001,,\"Cumulative Update, October\",Security Updates,Important,Windows 11,2026-10-13,KB5002,yes,yes,90\r\n\
        KB5002,,Cumulative Update November,Security Updates,Important,Windows 11,2026-11-10,,yes,yes,90\r\n\
        KB12x,,Bad KB,Updates,Low,X,2026-01-01,,no,no,5\r\n\
        KB5003,,Bad severity,Updates,Urgent,X,2026-01-01,,no,no,5\r\n\
        KB5004,,Bad date,Updates,Low,X,2026-02-30,,no,no,5\r\n\
        KB5005,,Bad minutes,Updates,Low,X,2026-01-01,,no,no,2000\r\n\
        KB5006,,Self,Updates,Low,X,2026-01-01,KB5006,no,no,5\r\n\
        kb5002,,Duplicate,Updates,Low,X,2026-01-01,,no,no,5\r\n".as_bytes());
    let r = import_updates(&pool, &f, ImportOptions::default(), &NP, &BY)
        .await
        .unwrap();
    assert_eq!((r.rows_read, r.accepted, r.rejected), (9, 3, 6));
    let lines: Vec<u64> = r.rejections.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![5, 6, 7, 8, 9, 10]);
    assert_eq!(r.rejections[0].column.as_deref(), Some("KB Article"));
    assert!(
        r.rejections[1].reason.contains("not a severity"),
        "{}",
        r.rejections[1].reason
    );
    assert!(
        r.rejections[5].reason.contains("also on line 4"),
        "{}",
        r.rejections[5].reason
    );
    let page = list_updates(
        &pool,
        &UpdateQuery {
            hide_superseded: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let kbs: Vec<&str> = page.rows.iter().map(|u| u.kb.as_str()).collect();
    assert_eq!(kbs, vec!["KB936021", "KB5002"]);
    let all = list_updates(&pool, &UpdateQuery::default()).await.unwrap();
    let msxml = all.rows.iter().find(|u| u.kb == "KB936021").unwrap();
    assert_eq!(msxml.classification, "Security Updates");
    assert!(!msxml.reboot_required && msxml.uninstallable);
    assert_eq!(msxml.max_run_minutes, 10);
}
