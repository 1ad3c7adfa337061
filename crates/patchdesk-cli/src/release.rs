//! `patchdesk release …` and `patchdesk schedule …`.

use crate::{print_json, short_time};
use clap::Subcommand;
use patchdesk_core::ports::{Clock, SystemClock};
use patchdesk_core::releases::{self, schedule, templates, ReleaseDetail};
use patchdesk_core::{Error, SqlitePool};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum ReleaseCommand {
    /// Every release with its plan's first and last dates.
    List,
    /// One release: updates, phases, conflicts and when each site installs.
    Show {
        /// The release's id or title.
        release: String,
    },
    /// Create a release from a plan template for a month (Patch Tuesday = 2nd Tuesday).
    Create {
        #[arg(long, value_name = "NAME")]
        template: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
        #[arg(long, default_value = "")]
        requester: String,
    },
    /// The plan templates.
    Templates,
}

#[derive(Subcommand)]
pub enum ScheduleCommand {
    /// Write every phase of every release to an iCalendar file.
    Export {
        #[arg(long, value_name = "FILE")]
        ics: PathBuf,
    },
}

pub async fn release(pool: &SqlitePool, cmd: ReleaseCommand, json: bool) -> Result<(), Error> {
    let clock = SystemClock;
    match cmd {
        ReleaseCommand::List => {
            let list = releases::list(pool).await?;
            if json {
                print_json(&list);
                return Ok(());
            }
            println!(
                "{:>4}  {:<44} {:<9} {:<6} {:>7} {:>6}  {:<16} {:<16}",
                "ID", "TITLE", "TYPE", "RISK", "UPDATES", "PHASES", "STARTS (UTC)", "ENDS (UTC)"
            );
            for r in &list {
                println!(
                    "{:>4}  {:<44} {:<9} {:<6} {:>7} {:>6}  {:<16} {:<16}",
                    r.id,
                    r.title,
                    r.kind.as_str(),
                    r.risk.as_str(),
                    r.update_count,
                    r.phase_count,
                    short_time(r.starts_at),
                    short_time(r.ends_at)
                );
            }
        }
        ReleaseCommand::Show { release } => {
            let id = releases::find(pool, &release).await?;
            let detail = releases::get(pool, id).await?;
            let fit = releases::plan::window_fit(pool, id).await?;
            if json {
                print_json(&serde_json::json!({ "release": detail, "windowFit": fit }));
                return Ok(());
            }
            show(&detail);
            if !fit.is_empty() {
                println!("\nWhen each site installs (first fitting maintenance window):");
                for f in &fit {
                    let phase = detail
                        .phases
                        .iter()
                        .find(|p| p.id == f.phase_id)
                        .map(|p| p.name.as_str())
                        .unwrap_or("");
                    println!(
                        "  {:<10} {:<12} {:>7} computers  {}",
                        phase,
                        f.site,
                        f.computers,
                        f.local
                            .clone()
                            .map(|l| format!("{l} ({})", f.time_zone))
                            .unwrap_or_else(|| "NO WINDOW FITS before the deadline".into())
                    );
                }
            }
        }
        ReleaseCommand::Create {
            template,
            month,
            requester,
        } => {
            let id = templates::create_release(pool, &clock, &template, &month, &requester).await?;
            let detail = releases::get(pool, id).await?;
            if json {
                print_json(&detail);
            } else {
                eprintln!("Created release {id}: {}", detail.title);
                show(&detail);
            }
        }
        ReleaseCommand::Templates => {
            let list = templates::list(pool).await?;
            if json {
                print_json(&list);
                return Ok(());
            }
            for t in &list {
                println!("{} (times in {})", t.name, t.time_zone);
                for p in &t.phases {
                    println!(
                        "  {:<10} {:<32} Patch Tuesday {:+} days {} → {:+} days {}",
                        p.name,
                        p.collection.name,
                        p.available_day,
                        p.available_time,
                        p.deadline_day,
                        p.deadline_time
                    );
                }
            }
        }
    }
    Ok(())
}

fn show(d: &ReleaseDetail) {
    println!(
        "{} — {} change, {} risk",
        d.title,
        d.kind.as_str(),
        d.risk.as_str()
    );
    if !d.requester.is_empty() {
        println!("Requested by {}", d.requester);
    }
    println!("{} updates", d.updates.len());
    for p in &d.phases {
        println!(
            "  {}. {:<10} {:<32} {:>7} computers  {} → {}  re-run {} d",
            p.position + 1,
            p.name,
            p.collection.name,
            p.member_count
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".into()),
            short_time(Some(p.available_at)),
            short_time(Some(p.deadline_at)),
            p.rerun_days
        );
    }
    if d.conflicts.is_empty() {
        println!("No conflicts.");
    } else {
        println!("{} conflicts:", d.conflicts.len());
        for c in &d.conflicts {
            println!("  ! {}", c.message);
        }
    }
}

pub async fn schedule(pool: &SqlitePool, cmd: ScheduleCommand, json: bool) -> Result<(), Error> {
    match cmd {
        ScheduleCommand::Export { ics } => {
            let n = schedule::export_ics(pool, SystemClock.now(), &ics).await?;
            if json {
                print_json(&serde_json::json!({ "file": ics, "events": n }));
            } else {
                eprintln!("Wrote {n} phases to {}", ics.display());
            }
        }
    }
    Ok(())
}
