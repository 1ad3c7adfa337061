//! Paged, sorted, filtered browsing, checked against a plain in-memory filter.

mod common;

use chrono::Duration;
use common::*;
use patchdesk_core::demo::{self, DemoOptions};
use patchdesk_core::inventory::{
    get_computer, list_computers, list_sites, ClientPolicy, Computer, ComputerQuery, ComputerSort,
    Role,
};

/// A query and the plain filter that must give the same computers.
type Pred = Box<dyn Fn(&Computer) -> bool>;

async fn all(pool: &patchdesk_core::SqlitePool) -> Vec<Computer> {
    let mut out = Vec::new();
    let mut q = ComputerQuery {
        limit: 1000,
        ..Default::default()
    };
    loop {
        let p = list_computers(pool, &q, now()).await.unwrap();
        let n = p.rows.len();
        out.extend(p.rows);
        if n < 1000 {
            return out;
        }
        q.offset += 1000;
    }
}

#[tokio::test]
async fn filters_match_an_in_memory_reference() {
    let (_dir, pool) = fresh_db().await;
    demo::load(
        &pool,
        DemoOptions {
            computers: 2500,
            seed: 3,
        },
        now(),
        false,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    let everyone = all(&pool).await;
    assert_eq!(everyone.len(), 2500);
    let sites = list_sites(&pool).await.unwrap();
    let berlin = sites.iter().find(|s| s.name == "Berlin").unwrap();

    let cases: Vec<(ComputerQuery, Pred)> = vec![
        (
            ComputerQuery {
                site_id: Some(berlin.id),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.site == "Berlin"),
        ),
        (
            ComputerQuery {
                role: Some(Role::Server),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.role == Role::Server),
        ),
        (
            ComputerQuery {
                client_policy: Some(ClientPolicy::NotifyDownload),
                site_id: Some(berlin.id),
                ..Default::default()
            },
            Box::new(|c: &Computer| {
                c.client_policy == ClientPolicy::NotifyDownload && c.site == "Berlin"
            }),
        ),
        (
            ComputerQuery {
                os_name: Some("Windows 7 Enterprise".into()),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.os_name == "Windows 7 Enterprise"),
        ),
        (
            ComputerQuery {
                search: Some("müller".into()),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.owner_name.to_lowercase().contains("müller")),
        ),
        (
            ComputerQuery {
                search: Some("ws-0001".into()),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.name.contains("WS-0001")),
        ),
        (
            ComputerQuery {
                search: Some("100%_".into()),
                ..Default::default()
            },
            Box::new(|_c: &Computer| false),
        ),
        (
            ComputerQuery {
                last_seen_within_days: Some(7),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.last_seen.is_some_and(|t| t >= now() - Duration::days(7))),
        ),
        (
            ComputerQuery {
                last_seen_older_than_days: Some(30),
                ..Default::default()
            },
            Box::new(|c: &Computer| c.last_seen.is_none_or(|t| t < now() - Duration::days(30))),
        ),
    ];
    for (q, pred) in cases {
        let expected: Vec<&str> = everyone
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.name.as_str())
            .collect();
        let page = list_computers(
            &pool,
            &ComputerQuery {
                limit: 1000,
                ..q.clone()
            },
            now(),
        )
        .await
        .unwrap();
        assert_eq!(page.total as usize, expected.len(), "{q:?}");
        let got: Vec<&str> = page.rows.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(got, expected[..expected.len().min(1000)], "{q:?}");
    }
}

#[tokio::test]
async fn sorting_and_paging_are_stable() {
    let (_dir, pool) = fresh_db().await;
    demo::load(
        &pool,
        DemoOptions {
            computers: 1200,
            seed: 4,
        },
        now(),
        false,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    for sort in [
        ComputerSort::LastSeen,
        ComputerSort::FreeDisk,
        ComputerSort::Site,
        ComputerSort::Owner,
    ] {
        for descending in [false, true] {
            let whole = list_computers(
                &pool,
                &ComputerQuery {
                    sort,
                    descending,
                    limit: 1000,
                    ..Default::default()
                },
                now(),
            )
            .await
            .unwrap();
            // Page 2 of 100 rows is rows 100..200 of the whole ordering.
            let p2 = list_computers(
                &pool,
                &ComputerQuery {
                    sort,
                    descending,
                    offset: 100,
                    limit: 100,
                    ..Default::default()
                },
                now(),
            )
            .await
            .unwrap();
            let a: Vec<_> = whole.rows[100..200].iter().map(|c| c.id).collect();
            let b: Vec<_> = p2.rows.iter().map(|c| c.id).collect();
            assert_eq!(a, b, "{sort:?} desc={descending}");
        }
    }
    // Never-seen computers count as the oldest: first ascending, last descending.
    for descending in [false, true] {
        // Rows 0..1000 ascending, rows 200..1200 descending: both hold the ends.
        let offset = if descending { 200 } else { 0 };
        let q = ComputerQuery {
            sort: ComputerSort::LastSeen,
            descending,
            offset,
            limit: 1000,
            ..Default::default()
        };
        let p = list_computers(&pool, &q, now()).await.unwrap();
        assert_eq!(p.total, 1200);
        let never: Vec<usize> = p
            .rows
            .iter()
            .enumerate()
            .filter(|(_, c)| c.last_seen.is_none())
            .map(|(i, _)| i)
            .collect();
        assert!(!never.is_empty(), "the demo has never-seen computers");
        let expected: Vec<usize> = if descending {
            (1000 - never.len()..1000).collect()
        } else {
            (0..never.len()).collect()
        };
        assert_eq!(never, expected, "descending={descending}");
    }
    let e = list_computers(
        &pool,
        &ComputerQuery {
            limit: 5000,
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("at most 1000"));
}

#[tokio::test]
async fn detail_shows_local_times_and_prerequisites() {
    let (_dir, pool) = fresh_db().await;
    demo::load(
        &pool,
        DemoOptions {
            computers: 300,
            seed: 5,
        },
        now(),
        false,
        &NP,
        &BY,
    )
    .await
    .unwrap();
    let seoul = list_computers(
        &pool,
        &ComputerQuery {
            search: Some("SEOUL-WS".into()),
            limit: 1,
            ..Default::default()
        },
        now(),
    )
    .await
    .unwrap();
    let d = get_computer(&pool, seoul.rows[0].id).await.unwrap();
    let seen = d.computer.last_seen.unwrap();
    let local = seen
        .with_timezone(&chrono_tz::Asia::Seoul)
        .format("%Y-%m-%d %H:%M KST")
        .to_string();
    assert_eq!(d.last_seen_local.as_deref(), Some(local.as_str()));
    assert!(d.prerequisites.iter().any(|p| p.name == "MSXML"));
    let e = get_computer(&pool, 999_999).await.unwrap_err();
    assert_eq!(e.kind(), patchdesk_core::ErrorKind::NotFound);
}

#[tokio::test]
async fn absurd_day_filters_are_refused_not_overflowed() {
    let (_dir, pool) = fresh_db().await;
    for q in [
        ComputerQuery {
            last_seen_within_days: Some(100_000_000),
            ..Default::default()
        },
        ComputerQuery {
            last_seen_older_than_days: Some(u32::MAX),
            ..Default::default()
        },
    ] {
        let e = list_computers(&pool, &q, now()).await.unwrap_err();
        assert_eq!(e.kind(), patchdesk_core::ErrorKind::Invalid);
        assert!(e.to_string().contains("at most 36500 days"), "{e}");
    }
}
