//! The demo organisation (SPEC C15): a seeded, deterministic generator of a realistic
//! company with sites in several time zones, thousands of computers and an update catalogue.

mod catalog;
pub mod plans;
mod rng;

use crate::catalog::{upsert_updates, UpdateRecord};
use crate::inventory::{
    ensure_site, restore_indexes, suspend_indexes, upsert_computers, AgentState, ClientPolicy,
    ComputerRecord, Role, WRITE_COLUMNS,
};
use crate::ports::Progress;
use crate::{db, Error, Result};
use chrono::{DateTime, TimeZone, Utc};
use rng::Rng;
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use ts_rs::TS;

pub const DEFAULT_COMPUTERS: u32 = 2_000;
pub const MAX_COMPUTERS: u32 = 1_000_000;
pub const DEFAULT_SEED: u64 = 20_070_601;
pub const MAIL_DOMAIN: &str = "contoso.example";

#[derive(Debug, Clone, Copy, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoOptions {
    pub computers: u32,
    #[ts(type = "number")]
    pub seed: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            computers: DEFAULT_COMPUTERS,
            seed: DEFAULT_SEED,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoSummary {
    #[ts(type = "number")]
    pub computers: u64,
    #[ts(type = "number")]
    pub sites: u64,
    #[ts(type = "number")]
    pub updates: u64,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

enum Locale {
    Korean,
    German,
    English,
    Portuguese,
}

pub struct DemoSite {
    pub name: &'static str,
    code: &'static str,
    pub time_zone: &'static str,
    weight: u32,
    locale: Locale,
    city_mail: &'static str,
}

pub const SITES: &[DemoSite] = &[
    DemoSite {
        name: "Seoul HQ",
        code: "SEOUL",
        time_zone: "Asia/Seoul",
        weight: 26,
        locale: Locale::Korean,
        city_mail: "seoul",
    },
    DemoSite {
        name: "Busan",
        code: "BUSAN",
        time_zone: "Asia/Seoul",
        weight: 8,
        locale: Locale::Korean,
        city_mail: "busan",
    },
    DemoSite {
        name: "Berlin",
        code: "BERLIN",
        time_zone: "Europe/Berlin",
        weight: 15,
        locale: Locale::German,
        city_mail: "berlin",
    },
    DemoSite {
        name: "Munich",
        code: "MUNICH",
        time_zone: "Europe/Berlin",
        weight: 8,
        locale: Locale::German,
        city_mail: "munich",
    },
    DemoSite {
        name: "New York",
        code: "NYC",
        time_zone: "America/New_York",
        weight: 18,
        locale: Locale::English,
        city_mail: "nyc",
    },
    DemoSite {
        name: "Chicago",
        code: "CHI",
        time_zone: "America/Chicago",
        weight: 7,
        locale: Locale::English,
        city_mail: "chicago",
    },
    DemoSite {
        name: "São Paulo",
        code: "SAO",
        time_zone: "America/Sao_Paulo",
        weight: 11,
        locale: Locale::Portuguese,
        city_mail: "saopaulo",
    },
    DemoSite {
        name: "Sydney",
        code: "SYD",
        time_zone: "Australia/Sydney",
        weight: 7,
        locale: Locale::English,
        city_mail: "sydney",
    },
];

const KO_FAMILY: &[&str] = &[
    "Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo",
    "Shin", "Kwon", "Hwang", "Ahn", "Song", "Jeon", "Hong",
];
const KO_GIVEN: &[&str] = &[
    "Min-jun",
    "Seo-yeon",
    "Ji-ho",
    "Ha-eun",
    "Do-yun",
    "Su-bin",
    "Ye-jin",
    "Hyun-woo",
    "Ji-woo",
    "Eun-ji",
    "Seung-hoon",
    "Da-eun",
    "Jae-won",
    "Yu-na",
    "Tae-yang",
    "So-yeon",
    "Dong-hyun",
    "Min-seo",
    "Sung-min",
    "Hye-jin",
];
const DE_FAMILY: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Hoffmann",
    "Schulz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
];
const DE_GIVEN: &[&str] = &[
    "Lukas",
    "Anna",
    "Leon",
    "Marie",
    "Felix",
    "Sophie",
    "Jonas",
    "Laura",
    "Paul",
    "Lena",
    "Maximilian",
    "Julia",
    "Tim",
    "Katharina",
    "Jan",
    "Hannah",
    "Niklas",
    "Lea",
    "Florian",
    "Sarah",
];
const EN_FAMILY: &[&str] = &[
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Wilson",
    "Taylor", "Anderson", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris",
    "Clark", "Lewis",
];
const EN_GIVEN: &[&str] = &[
    "James", "Olivia", "Michael", "Emma", "David", "Ava", "Daniel", "Sophia", "Chris", "Mia",
    "Matthew", "Emily", "Andrew", "Grace", "Ryan", "Chloe", "Ethan", "Hannah", "Noah", "Zoe",
];
const PT_FAMILY: &[&str] = &[
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Rodrigues",
    "Ferreira",
    "Alves",
    "Pereira",
    "Lima",
    "Gomes",
    "Costa",
    "Ribeiro",
    "Martins",
    "Carvalho",
    "Almeida",
    "Lopes",
    "Soares",
    "Fernandes",
    "Vieira",
    "Barbosa",
];
const PT_GIVEN: &[&str] = &[
    "João", "Maria", "Pedro", "Ana", "Lucas", "Juliana", "Gabriel", "Beatriz", "Rafael", "Camila",
    "Mateus", "Larissa", "Felipe", "Fernanda", "Gustavo", "Letícia", "Thiago", "Mariana", "Bruno",
    "Isabela",
];

const DEPARTMENTS: &[(&str, u32)] = &[
    ("Finance", 9),
    ("Human Resources", 5),
    ("Engineering", 18),
    ("Sales", 14),
    ("Marketing", 7),
    ("Legal", 3),
    ("Operations", 12),
    ("IT", 6),
    ("Customer Service", 13),
    ("Research & Development", 8),
    ("Procurement", 3),
    ("Logistics", 8),
];

const WS_OS: &[((&str, &str), u32)] = &[
    (("Windows 11 Enterprise", "10.0.26100"), 30),
    (("Windows 11 Enterprise", "10.0.22631"), 24),
    (("Windows 10 Enterprise", "10.0.19045"), 30),
    (("Windows 10 Enterprise", "10.0.19044"), 6),
    (("Windows 10 Enterprise LTSC", "10.0.17763"), 4),
    (("Windows 8.1 Enterprise", "6.3.9600"), 3),
    (("Windows 7 Enterprise", "6.1.7601"), 2),
];
const SRV_OS: &[((&str, &str), u32)] = &[
    (("Windows Server 2022 Datacenter", "10.0.20348"), 34),
    (("Windows Server 2019 Standard", "10.0.17763"), 28),
    (("Windows Server 2016 Standard", "10.0.14393"), 18),
    (("Windows Server 2012 R2 Standard", "6.3.9600"), 10),
    (("Windows Server 2025 Datacenter", "10.0.26100"), 10),
];
const SERVER_FUNCTIONS: &[&str] = &["FS", "SQL", "APP", "WEB", "DC", "PRN", "EXCH", "BKP"];

const CM_CLIENT: &[&str] = &[
    "5.00.9132.1011",
    "5.00.9128.1007",
    "5.00.9122.1018",
    "5.00.9106.1000",
];
const MSXML: &[(&str, u32)] = &[
    ("8.110.19041.4355", 60),
    ("8.110.22621.3880", 20),
    ("8.100.5010.0", 8),
    ("8.70.1104.0", 4),
    ("8.50.2162.0", 3),
    ("8.40.9419.0", 2),
    ("8.30.9926.0", 2),
    ("8.20.8730.1", 1),
];
const DOTNET: &[(&str, u32)] = &[
    ("4.8.09032", 55),
    ("4.8.04084", 30),
    ("4.7.03062", 10),
    ("4.6.01590", 5),
];

/// ASCII e-mail part of a name: "Müller" -> "mueller", "Min-jun" -> "minjun".
fn mail_part(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("ae"),
            'Ö' => out.push_str("oe"),
            'Ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'á' | 'à' | 'â' | 'ã' => out.push('a'),
            'é' | 'ê' => out.push('e'),
            'í' => out.push('i'),
            'ó' | 'ô' | 'õ' => out.push('o'),
            'ú' => out.push('u'),
            'ç' => out.push('c'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    out
}

/// One generated computer, with its site as an index into [`SITES`].
pub struct DemoComputer {
    pub site: usize,
    pub record: ComputerRecord,
    pub prerequisites: BTreeMap<&'static str, String>,
}

/// Generates the organisation's computers one at a time, in a fixed order.
pub struct Generator {
    rng: Rng,
    now: i64,
    remaining: u32,
    counters: Vec<(u32, u32)>,
    mail_used: HashMap<String, u32>,
    last_owner: Option<(usize, String, String, String)>,
}

impl Generator {
    pub fn new(options: DemoOptions, now: DateTime<Utc>) -> Self {
        Generator {
            rng: Rng::new(options.seed),
            now: now.timestamp(),
            remaining: options.computers,
            counters: vec![(0, 0); SITES.len()],
            mail_used: HashMap::new(),
            last_owner: None,
        }
    }

    fn person(&mut self, site: usize) -> (String, String) {
        let (family, given) = match SITES[site].locale {
            Locale::Korean => (KO_FAMILY, KO_GIVEN),
            Locale::German => (DE_FAMILY, DE_GIVEN),
            Locale::English => (EN_FAMILY, EN_GIVEN),
            Locale::Portuguese => (PT_FAMILY, PT_GIVEN),
        };
        let f = *self.rng.pick(family);
        let g = *self.rng.pick(given);
        let name = match SITES[site].locale {
            Locale::Korean => format!("{f} {g}"),
            _ => format!("{g} {f}"),
        };
        let base = format!("{}.{}", mail_part(g), mail_part(f));
        let n = self.mail_used.entry(base.clone()).or_insert(0);
        *n += 1;
        let local = if *n == 1 { base } else { format!("{base}{n}") };
        (name, format!("{local}@{MAIL_DOMAIN}"))
    }

    fn next_computer(&mut self) -> DemoComputer {
        let weights: Vec<(usize, u32)> = SITES
            .iter()
            .enumerate()
            .map(|(i, s)| (i, s.weight))
            .collect();
        let site = *self.rng.weighted(&weights);
        let s = &SITES[site];
        let server = self.rng.chance(0.08);
        let (role, (os_name, os_version)) = if server {
            (Role::Server, *self.rng.weighted(SRV_OS))
        } else {
            (Role::Workstation, *self.rng.weighted(WS_OS))
        };
        let name = if server {
            self.counters[site].1 += 1;
            let func = *self.rng.pick(SERVER_FUNCTIONS);
            format!("{}-{func}-{:04}", s.code, self.counters[site].1)
        } else {
            self.counters[site].0 += 1;
            format!("{}-WS-{:05}", s.code, self.counters[site].0)
        };
        let (department, owner_name, owner_email) = if server {
            (
                "IT Infrastructure".to_string(),
                format!("IT Operations {}", s.name),
                format!("it-ops.{}@{MAIL_DOMAIN}", s.city_mail),
            )
        } else {
            match &self.last_owner {
                // About one person in ten has a second computer (a laptop and a desktop).
                Some((ls, dept, on, oe)) if *ls == site && self.rng.chance(0.1) => {
                    (dept.clone(), on.clone(), oe.clone())
                }
                _ => {
                    let dept = self.rng.weighted(DEPARTMENTS).to_string();
                    let (on, oe) = self.person(site);
                    self.last_owner = Some((site, dept.clone(), on.clone(), oe.clone()));
                    (dept, on, oe)
                }
            }
        };
        let hour = 3600;
        let day = 24 * hour;
        let r = self.rng.unit();
        let last_seen = if r < 0.75 {
            Some(self.now - self.rng.range(60, day))
        } else if r < 0.90 {
            Some(self.now - self.rng.range(day, 7 * day))
        } else if r < 0.97 {
            Some(self.now - self.rng.range(7 * day, 30 * day))
        } else if r < 0.995 {
            Some(self.now - self.rng.range(30 * day, 120 * day))
        } else {
            None
        };
        // Servers re-run daily, workstations weekly; some computers fall behind.
        let interval = if server { day } else { 7 * day };
        let last_run = match last_seen {
            None => None,
            Some(seen) if self.rng.chance(0.01) => {
                let _ = seen;
                None
            }
            Some(seen) if self.rng.chance(0.08) => {
                Some(seen.min(self.now - interval) - self.rng.range(day, 40 * day))
            }
            Some(seen) => Some(seen - self.rng.range(0, interval)),
        };
        let free_disk_gb = if server {
            (self.rng.range(200, 20_000) as f64) / 10.0
        } else if self.rng.chance(0.05) {
            (self.rng.range(5, 100) as f64) / 10.0
        } else {
            (self.rng.range(100, 3_200) as f64) / 10.0
        };
        let client_policy = if server {
            *self.rng.weighted(&[
                (ClientPolicy::AutoDownloadNotifyInstall, 40),
                (ClientPolicy::ConfigmgrAdvertised, 35),
                (ClientPolicy::NotifyDownload, 25),
            ])
        } else {
            *self.rng.weighted(&[
                (ClientPolicy::ConfigmgrAdvertised, 45),
                (ClientPolicy::AutoDownloadScheduled, 30),
                (ClientPolicy::AutoDownloadNotifyInstall, 15),
                (ClientPolicy::NotifyDownload, 10),
            ])
        };
        let agent_state = *self.rng.weighted(&[
            (AgentState::Running, 940),
            (AgentState::Stopped, 35),
            (AgentState::NotInstalled, 10),
            (AgentState::Unknown, 15),
        ]);
        let agent_version = if agent_state == AgentState::NotInstalled {
            String::new()
        } else if client_policy == ClientPolicy::ConfigmgrAdvertised {
            self.rng.pick(CM_CLIENT).to_string()
        } else {
            let base = match os_version {
                "6.1.7601" => "7.6.7601".to_string(),
                "6.3.9600" => "7.9.9600".to_string(),
                v => v.to_string(),
            };
            format!("{base}.{}", self.rng.range(1000, 5000))
        };
        let old_os = os_version.starts_with("6.");
        let msxml = if old_os && self.rng.chance(0.5) {
            self.rng
                .pick(&["8.40.9419.0", "8.30.9926.0", "8.20.8730.1", "8.70.1104.0"])
                .to_string()
        } else {
            self.rng.weighted(MSXML).to_string()
        };
        let mut prerequisites = BTreeMap::new();
        prerequisites.insert("MSXML", msxml);
        prerequisites.insert(".NET Framework", self.rng.weighted(DOTNET).to_string());
        prerequisites.insert(
            "Windows Installer",
            if old_os {
                "5.0.7601.24535".to_string()
            } else {
                format!("5.0.{}.1", &os_version[5..])
            },
        );
        let (prereq_json, prerequisite_keys) =
            crate::inventory::prerequisite_columns(&prerequisites);
        let record = ComputerRecord {
            name,
            domain: "corp.contoso.example".into(),
            site_id: 0,
            department,
            role,
            os_name: os_name.into(),
            os_version: os_version.into(),
            owner_name,
            owner_email,
            last_seen,
            last_run,
            free_disk_gb: Some(free_disk_gb),
            agent_version,
            agent_state,
            client_policy,
            prerequisites: prereq_json,
            prerequisite_keys,
        };
        DemoComputer {
            site,
            record,
            prerequisites,
        }
    }
}

impl Iterator for Generator {
    type Item = DemoComputer;
    fn next(&mut self) -> Option<DemoComputer> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        Some(self.next_computer())
    }
}

fn check(options: &DemoOptions) -> Result<()> {
    if options.computers == 0 || options.computers > MAX_COMPUTERS {
        return Err(Error::invalid(format!(
            "the demo organisation holds 1 to {MAX_COMPUTERS} computers, not {}",
            options.computers
        )));
    }
    Ok(())
}

/// The update catalogue of the demo organisation, relative to `now`.
pub fn updates(now: DateTime<Utc>) -> Vec<UpdateRecord> {
    catalog::build(now)
}

/// Load the demo organisation into the database in one transaction.
///
/// Refused when the inventory already holds computers, unless `replace` is set, in
/// which case the existing inventory and catalogue are removed in the same transaction.
pub async fn load(
    pool: &SqlitePool,
    options: DemoOptions,
    now: DateTime<Utc>,
    replace: bool,
    progress: &dyn Progress,
    by: &crate::audit::By<'_>,
) -> Result<DemoSummary> {
    check(&options)?;
    let started = std::time::Instant::now();
    let mut tx = db::begin_write(pool).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM computers")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 && !replace {
        return Err(Error::Conflict(format!(
            "the inventory already holds {existing} computers; the demo organisation is only loaded into an empty database (or with --replace)"
        )));
    }
    if replace {
        plans::clear(&mut tx).await?;
        sqlx::query("DELETE FROM computers")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sites").execute(&mut *tx).await?;
        sqlx::query("DELETE FROM updates").execute(&mut *tx).await?;
    }
    let mut site_ids = Vec::new();
    for s in SITES {
        site_ids.push(ensure_site(&mut tx, s.name, s.time_zone).await?);
    }
    let catalog = updates(now);
    upsert_updates(&mut tx, &catalog).await?;
    progress.stage("Creating computers", Some(options.computers as u64));
    let mut batch = Vec::with_capacity(crate::inventory::BATCH_ROWS);
    let mut done = 0u64;
    let update_all: Vec<&str> = WRITE_COLUMNS.to_vec();
    let suspended = if options.computers > 20_000 {
        suspend_indexes(&mut tx, "computers").await?
    } else {
        Vec::new()
    };
    for c in Generator::new(options, now) {
        let mut rec = c.record;
        rec.site_id = site_ids[c.site];
        batch.push(rec);
        if batch.len() == crate::inventory::BATCH_ROWS {
            done += batch.len() as u64;
            upsert_computers(&mut tx, &mut batch, &update_all).await?;
            progress.advance(done);
            if progress.is_cancelled() {
                return Err(Error::Cancelled);
            }
        }
    }
    done += batch.len() as u64;
    upsert_computers(&mut tx, &mut batch, &update_all).await?;
    restore_indexes(&mut tx, &suspended).await?;
    progress.advance(done);
    // Loading it replaces whatever the inventory held: the trail says who and what.
    crate::audit::record(
        &mut tx,
        by.clock.now(),
        by.actor,
        "demo.load",
        "inventory",
        None,
        serde_json::json!({
            "computers": done,
            "seed": options.seed,
            "sites": SITES.len(),
            "updates": catalog.len(),
            "replacedComputers": if replace { existing } else { 0 },
        }),
    )
    .await?;
    // Mail comes from the demo organisation's service desk, unless mail is set up.
    let sender = crate::mail::MailSettings {
        sender_email: "it-servicedesk@contoso.example".into(),
        ..Default::default()
    };
    sqlx::query("INSERT INTO settings (key, value) VALUES ('mail', ?) ON CONFLICT(key) DO NOTHING")
        .bind(serde_json::to_string(&sender).map_err(|e| Error::Internal(e.to_string()))?)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    plans::ensure_rings(pool, now).await?;
    // Collections show real counts at once: the built-ins (and any others) are
    // evaluated on the new inventory. Not cancellable: the data is already in.
    crate::collections::evaluate_all(
        pool,
        &crate::ports::FixedClock(now),
        crate::collections::Scope::All,
        &crate::ports::NoProgress,
    )
    .await?;
    plans::load(pool, now).await?;
    Ok(DemoSummary {
        computers: done,
        sites: SITES.len() as u64,
        updates: catalog.len() as u64,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

fn iso(t: Option<i64>) -> String {
    t.and_then(|s| Utc.timestamp_opt(s, 0).single())
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// Write the same organisation as `computers.csv` and `updates.csv` in `dir`,
/// in the columns the importers read.
pub fn write_csv(
    dir: &Path,
    options: DemoOptions,
    now: DateTime<Utc>,
    progress: &dyn Progress,
) -> Result<DemoSummary> {
    check(&options)?;
    let started = std::time::Instant::now();
    std::fs::create_dir_all(dir)
        .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |e: csv::Error| {
            let context = format!("writing {}", p.display());
            match e.into_kind() {
                csv::ErrorKind::Io(io) => Error::io(context, io),
                other => Error::Internal(format!("{context}: {other:?}")),
            }
        }
    };
    let cpath = dir.join("computers.csv");
    let mut w = csv::Writer::from_path(&cpath).map_err(io(&cpath))?;
    w.write_record([
        "name",
        "domain",
        "site",
        "time_zone",
        "department",
        "role",
        "os_name",
        "os_version",
        "owner_name",
        "owner_email",
        "last_seen",
        "last_run",
        "free_disk_gb",
        "agent_version",
        "agent_state",
        "client_policy",
        "prereq:MSXML",
        "prereq:.NET Framework",
        "prereq:Windows Installer",
    ])
    .map_err(io(&cpath))?;
    progress.stage("Writing computers.csv", Some(options.computers as u64));
    let mut n = 0u64;
    for c in Generator::new(options, now) {
        let r = &c.record;
        let s = &SITES[c.site];
        let get = |k: &str| c.prerequisites.get(k).cloned().unwrap_or_default();
        w.write_record([
            r.name.as_str(),
            &r.domain,
            s.name,
            s.time_zone,
            &r.department,
            r.role.as_str(),
            &r.os_name,
            &r.os_version,
            &r.owner_name,
            &r.owner_email,
            &iso(r.last_seen),
            &iso(r.last_run),
            &r.free_disk_gb
                .map(|v| format!("{v:.1}"))
                .unwrap_or_default(),
            &r.agent_version,
            r.agent_state.as_str(),
            r.client_policy.as_str(),
            &get("MSXML"),
            &get(".NET Framework"),
            &get("Windows Installer"),
        ])
        .map_err(io(&cpath))?;
        n += 1;
        if n.is_multiple_of(10_000) {
            progress.advance(n);
        }
    }
    w.flush()
        .map_err(|e| Error::io(format!("writing {}", cpath.display()), e))?;
    progress.advance(n);
    let upath = dir.join("updates.csv");
    let mut w = csv::Writer::from_path(&upath).map_err(io(&upath))?;
    w.write_record([
        "kb",
        "bulletin_id",
        "title",
        "classification",
        "severity",
        "product",
        "release_date",
        "superseded_by",
        "reboot_required",
        "uninstallable",
        "max_run_minutes",
    ])
    .map_err(io(&upath))?;
    let catalog = updates(now);
    for u in &catalog {
        let yn = |b: bool| if b { "yes" } else { "no" };
        w.write_record([
            u.kb.as_str(),
            &u.bulletin_id,
            &u.title,
            &u.classification,
            &u.severity,
            &u.product,
            u.release_date.as_deref().unwrap_or(""),
            &u.superseded_by,
            yn(u.reboot_required),
            yn(u.uninstallable),
            &u.max_run_minutes.to_string(),
        ])
        .map_err(io(&upath))?;
    }
    w.flush()
        .map_err(|e| Error::io(format!("writing {}", upath.display()), e))?;
    Ok(DemoSummary {
        computers: n,
        sites: SITES.len() as u64,
        updates: catalog.len() as u64,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}
