//! The demo organisation: deterministic, realistic, and the same whether loaded or exported.

mod common;

use common::*;
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::import::ImportOptions;
use patchdesk_core::inventory::{
    facets, import_computers, list_computers, ComputerQuery, ComputerSort,
};
use patchdesk_core::ErrorKind;

#[tokio::test]
async fn demo_is_realistic() {
    let (_dir, pool) = fresh_db().await;
    let s = demo::load(&pool, DemoOptions::default(), now(), false, &NP, &BY)
        .await
        .unwrap();
    assert_eq!(s.computers, 2000);
    let f = facets(&pool).await.unwrap();
    assert_eq!(f.total, 2000);
    let zones: std::collections::BTreeSet<&str> =
        f.sites.iter().map(|s| s.time_zone.as_str()).collect();
    assert!(zones.len() >= 4, "{zones:?}");
    for tz in [
        "Asia/Seoul",
        "Europe/Berlin",
        "America/New_York",
        "America/Sao_Paulo",
    ] {
        assert!(zones.contains(tz), "{tz}");
    }
    assert_eq!(
        f.client_policies.len(),
        4,
        "all four update-client policies"
    );
    assert!(
        f.client_policies.iter().all(|c| c.count >= 20),
        "{:?}",
        f.client_policies
    );
    let servers = f.roles.iter().find(|r| r.value == "server").unwrap().count;
    assert!(
        (80..=260).contains(&servers),
        "about 8% servers, got {servers}"
    );
    assert!(f.agent_states.iter().any(|a| a.value == "stopped"));
    assert!(f.os_names.len() >= 8);
    // A spread of last-seen times: most recent, some stale, a few never.
    let never = list_computers(
        &pool,
        &ComputerQuery {
            last_seen_older_than_days: Some(30),
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap()
    .total;
    let recent = list_computers(
        &pool,
        &ComputerQuery {
            last_seen_within_days: Some(1),
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap()
    .total;
    assert!(recent > 1200 && recent < 1800, "{recent}");
    assert!(never > 10 && never < 150, "{never}");
    // Every owner has a valid, unique-per-person address.
    let page = list_computers(
        &pool,
        &ComputerQuery {
            limit: 1000,
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap();
    for c in &page.rows {
        assert!(
            patchdesk_core::validate::email(&c.owner_email).is_ok(),
            "{}",
            c.owner_email
        );
        assert!(!c.owner_name.is_empty());
    }
    let cat = patchdesk_core::summary(&pool).await.unwrap();
    assert!(cat.updates > 90);
}

#[tokio::test]
async fn demo_refuses_a_non_empty_inventory_unless_replacing() {
    let (_dir, pool) = fresh_db().await;
    demo::load(
        &pool,
        DemoOptions {
            computers: 50,
            seed: 1,
        },
        now(),
        false,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    let e = demo::load(&pool, DemoOptions::default(), now(), false, &NP, &BY)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    let s = demo::load(
        &pool,
        DemoOptions {
            computers: 70,
            seed: 2,
        },
        now(),
        true,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    assert_eq!(s.computers, 70);
    assert_eq!(patchdesk_core::summary(&pool).await.unwrap().computers, 70);
    // Both loads are in the audit trail, the second saying how much it replaced; the
    // refused one left no row.
    let loads: Vec<(String, String)> = sqlx::query_as(
        "SELECT actor, detail FROM audit_log WHERE action = 'demo.load' ORDER BY id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let details: Vec<serde_json::Value> = loads
        .iter()
        .map(|(actor, d)| {
            assert_eq!(actor, BY.actor);
            serde_json::from_str(d).unwrap()
        })
        .collect();
    assert_eq!(details.len(), 2, "{loads:?}");
    assert_eq!(
        (&details[0]["computers"], &details[0]["replacedComputers"]),
        (&50.into(), &0.into())
    );
    assert_eq!(
        (&details[1]["computers"], &details[1]["replacedComputers"]),
        (&70.into(), &50.into())
    );
    assert!(patchdesk_core::audit::verify(&pool, None).await.unwrap().ok);
    let e = demo::load(
        &pool,
        DemoOptions {
            computers: 1_000_001,
            seed: 2,
        },
        now(),
        true,
        &NP,
        &BY,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("1 to 1000000"), "{e}");
}

/// Same seed, same bytes; and the CSV export imports to exactly what `demo` loads.
#[tokio::test]
async fn csv_export_is_deterministic_and_round_trips() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        computers: 3000,
        seed: 7,
    };
    demo::write_csv(a.path(), opts, now(), &NP).unwrap();
    demo::write_csv(b.path(), opts, now(), &NP).unwrap();
    let ca = std::fs::read(a.path().join("computers.csv")).unwrap();
    assert_eq!(ca, std::fs::read(b.path().join("computers.csv")).unwrap());
    demo::write_csv(
        b.path(),
        DemoOptions {
            computers: 3000,
            seed: 8,
        },
        now(),
        &NP,
    )
    .unwrap();
    assert_ne!(ca, std::fs::read(b.path().join("computers.csv")).unwrap());

    let (_d1, loaded) = fresh_db().await;
    demo::load(&loaded, opts, now(), false, &NP, &BY)
        .await
        .unwrap();
    let (_d2, imported) = fresh_db().await;
    let r = import_computers(
        &imported,
        &a.path().join("computers.csv"),
        ImportOptions::default(),
        &NP,
        &BY,
    )
    .await
    .unwrap();
    assert_eq!(
        (r.accepted, r.rejected),
        (3000, 0),
        "{:?}",
        r.rejections.first()
    );
    let r = patchdesk_core::catalog::import_updates(
        &imported,
        &a.path().join("updates.csv"),
        ImportOptions::default(),
        &NP,
        &BY,
    )
    .await
    .unwrap();
    assert_eq!(r.rejected, 0, "{:?}", r.rejections.first());
    assert_same(
        &fingerprint(&loaded).await,
        &fingerprint(&imported).await,
        "loaded vs imported",
    );
}

#[tokio::test]
async fn sorting_by_os_version_is_numeric() {
    let (_dir, pool) = fresh_db().await;
    demo::load(&pool, DemoOptions::default(), now(), false, &NP, &BY)
        .await
        .unwrap();
    let page = list_computers(
        &pool,
        &ComputerQuery {
            sort: ComputerSort::OsVersion,
            limit: 1000,
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap();
    let key = |v: &str| {
        v.split('.')
            .map(|p| p.parse::<u64>().unwrap())
            .collect::<Vec<_>>()
    };
    for w in page.rows.windows(2) {
        assert!(
            key(&w[0].os_version) <= key(&w[1].os_version),
            "{} before {}",
            w[0].os_version,
            w[1].os_version
        );
    }
    assert_eq!(page.rows[0].os_version, "6.1.7601");
}
