//! The demo update catalogue: a few well-known historic bulletins and a year of
//! monthly updates, each month superseding the last.

use crate::catalog::UpdateRecord;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The demo's monthly cycles as seen on `today`: the twelve latest months whose Patch
/// Tuesday is before today, oldest first, and the next month (Patch Tuesday today or
/// later). Its releases are made relative to these, so the demo never ages.
pub fn cycles(today: NaiveDate) -> (Vec<(i32, u32)>, (i32, u32)) {
    let (mut y, mut m) = (today.year(), today.month());
    let mut next = (y, m);
    let mut released = Vec::new();
    while released.len() < 12 {
        if patch_tuesday(y, m) < today {
            released.push((y, m));
        } else {
            next = (y, m);
        }
        (y, m) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    }
    if next == (today.year(), today.month()) && patch_tuesday(next.0, next.1) < today {
        next = if next.1 == 12 {
            (next.0 + 1, 1)
        } else {
            (next.0, next.1 + 1)
        };
    }
    released.reverse();
    (released, next)
}

/// The second Tuesday of a month (Patch Tuesday).
pub fn patch_tuesday(year: i32, month: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Tue, 2)
        .expect("every month has two Tuesdays")
}

struct Product {
    product: &'static str,
    title: &'static str,
    kind: &'static str,
    classification: &'static str,
    severity: &'static str,
    minutes: u32,
    reboot: bool,
    uninstallable: bool,
}

const MONTHLY: &[Product] = &[
    Product { product: "Windows 11", title: "Cumulative Update for Windows 11 Version 24H2 for x64-based Systems", kind: "cu", classification: "Security Updates", severity: "Critical", minutes: 90, reboot: true, uninstallable: true },
    Product { product: "Windows 11", title: "Cumulative Update for Windows 11 Version 23H2 for x64-based Systems", kind: "cu", classification: "Security Updates", severity: "Critical", minutes: 90, reboot: true, uninstallable: true },
    Product { product: "Windows 10", title: "Cumulative Update for Windows 10 Version 22H2 for x64-based Systems", kind: "cu", classification: "Security Updates", severity: "Critical", minutes: 75, reboot: true, uninstallable: true },
    Product { product: "Windows Server 2022", title: "Cumulative Update for Microsoft server operating system version 21H2 for x64-based Systems", kind: "cu", classification: "Security Updates", severity: "Critical", minutes: 120, reboot: true, uninstallable: true },
    Product { product: "Windows Server 2019", title: "Cumulative Update for Windows Server 2019 for x64-based Systems", kind: "cu", classification: "Security Updates", severity: "Critical", minutes: 120, reboot: true, uninstallable: true },
    Product { product: ".NET Framework", title: "Cumulative Update for .NET Framework 3.5, 4.8 and 4.8.1 for Windows 10 Version 22H2 for x64", kind: "net", classification: "Security Updates", severity: "Important", minutes: 30, reboot: false, uninstallable: true },
    Product { product: "Microsoft 365 Apps", title: "Security Update for Microsoft Office LTSC 2021 (64-bit edition)", kind: "office", classification: "Security Updates", severity: "Important", minutes: 20, reboot: false, uninstallable: true },
    Product { product: "Windows Malicious Software Removal Tool", title: "Windows Malicious Software Removal Tool x64", kind: "msrt", classification: "Update Rollups", severity: "Unspecified", minutes: 15, reboot: false, uninstallable: false },
];

pub fn build(now: DateTime<Utc>) -> Vec<UpdateRecord> {
    let mut out = vec![
        historic("KB936021", "MS07-042", "Security Update for Microsoft XML Core Services 3.0 (KB936021)", "Microsoft XML Core Services", "2007-08-14", "Critical", 10, false, true),
        historic("KB958644", "MS08-067", "Security Update for Windows Server 2003 (KB958644)", "Windows Server 2003", "2008-10-23", "Critical", 20, true, true),
        historic("KB2286198", "MS10-046", "Security Update for Windows 7 for x64-based Systems (KB2286198)", "Windows 7", "2010-08-02", "Critical", 20, true, true),
        historic("KB4012212", "MS17-010", "March, 2017 Security Only Quality Update for Windows 7 for x64-based Systems (KB4012212)", "Windows 7", "2017-03-14", "Critical", 45, true, true),
        historic("KB4012213", "MS17-010", "March, 2017 Security Only Quality Update for Windows 8.1 for x64-based Systems (KB4012213)", "Windows 8.1", "2017-03-14", "Critical", 45, true, true),
        historic("KB5005565", "", "2021-09 Cumulative Update for Windows 10 Version 21H1 for x64-based Systems (KB5005565)", "Windows 10", "2021-09-14", "Critical", 75, true, true),
    ];
    let today = now.date_naive();
    let (released, next) = cycles(today);
    let mut months = released;
    // The coming Patch Tuesday's updates are in the catalogue too, so the upcoming release
    // has its updates; they supersede nothing until they are out.
    months.push(next);
    let kb_of = |mi: usize, pi: usize| 5_063_000 + (mi as u32) * 97 + (pi as u32) * 11;
    for (mi, (y, m)) in months.iter().enumerate() {
        let released = patch_tuesday(*y, *m);
        for (pi, p) in MONTHLY.iter().enumerate() {
            let kb = format!("KB{}", kb_of(mi, pi));
            let superseded_by = if mi + 2 < months.len() {
                format!("KB{}", kb_of(mi + 1, pi))
            } else {
                String::new()
            };
            let title = match p.kind {
                "msrt" => format!("{} - v5.{} ({kb})", p.title, 120 + mi),
                _ => format!("{y}-{m:02} {} ({kb})", p.title),
            };
            out.push(UpdateRecord {
                kb,
                bulletin_id: String::new(),
                title,
                classification: p.classification.into(),
                severity: p.severity.into(),
                product: p.product.into(),
                release_date: Some(released.format("%Y-%m-%d").to_string()),
                superseded_by,
                reboot_required: p.reboot,
                uninstallable: p.uninstallable,
                max_run_minutes: p.minutes,
            });
        }
    }
    // An out-of-band fix shipped a week after the latest Patch Tuesday.
    if let Some((y, m)) = months.iter().rev().nth(1) {
        let oob = patch_tuesday(*y, *m) + Duration::days(7);
        if oob <= today {
            out.push(UpdateRecord {
                kb: "KB5070881".into(),
                bulletin_id: String::new(),
                title: format!("{y}-{m:02} Out-of-band Update for Windows Server 2022 for x64-based Systems (KB5070881)"),
                classification: "Critical Updates".into(),
                severity: "Critical".into(),
                product: "Windows Server 2022".into(),
                release_date: Some(oob.format("%Y-%m-%d").to_string()),
                superseded_by: String::new(),
                reboot_required: true,
                uninstallable: true,
                max_run_minutes: 60,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn historic(
    kb: &str,
    bulletin: &str,
    title: &str,
    product: &str,
    date: &str,
    severity: &str,
    minutes: u32,
    reboot: bool,
    uninstallable: bool,
) -> UpdateRecord {
    UpdateRecord {
        kb: kb.into(),
        bulletin_id: bulletin.into(),
        title: title.into(),
        classification: "Security Updates".into(),
        severity: severity.into(),
        product: product.into(),
        release_date: Some(date.into()),
        superseded_by: String::new(),
        reboot_required: reboot,
        uninstallable,
        max_run_minutes: minutes,
    }
}
