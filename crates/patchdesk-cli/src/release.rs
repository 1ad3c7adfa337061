//! `patchdesk release …` and `patchdesk schedule …`.

use crate::{print_json, short_time};
use clap::Args;
use clap::Subcommand;
use patchdesk_core::approvals::{self, state::Action, Decision, Person, ReleaseStatus};
use patchdesk_core::audit;
use patchdesk_core::ports::{Clock, SystemClock};
use patchdesk_core::releases::{self, schedule, templates, ReleaseDetail};
use patchdesk_core::{Error, SqlitePool};
use std::path::PathBuf;

/// Who acts, and why.
#[derive(Args)]
pub struct ActArgs {
    /// The release's id or title.
    release: String,
    /// The person acting (default: the person of this OS account).
    #[arg(long = "as", value_name = "PERSON")]
    as_person: Option<String>,
    #[arg(long, default_value = "")]
    comment: String,
}

/// The person of this OS account, or the one named by `--as`. In local mode `--as` is
/// an advisory profile switch: it is written to the audit trail, naming the account.
pub async fn operator(pool: &SqlitePool, as_person: Option<&str>) -> Result<Person, Error> {
    let os_user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_default();
    let me = approvals::operator_for_os_user(pool, &SystemClock, &os_user).await?;
    match as_person {
        Some(name) => {
            let to = approvals::find_person(pool, name).await?;
            approvals::switch_operator(pool, &SystemClock, &os_user, &me, to.id, "--as").await
        }
        None => Ok(me),
    }
}

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
        /// An update to include besides the month's own (repeatable): `--update KB5063000`.
        #[arg(long = "update", value_name = "KB")]
        updates: Vec<String>,
        /// The person creating it (default: the person of this OS account).
        #[arg(long = "as", value_name = "PERSON")]
        as_person: Option<String>,
    },
    /// The plan templates.
    Templates,
    /// Where a release stands: state, approvals, what can happen next.
    Status { release: String },
    /// Submit a release for approval (its submitter becomes its requester).
    Submit(ActArgs),
    /// Approve a submitted release (never your own).
    Approve(ActArgs),
    /// Reject a submitted release (with --comment).
    Reject(ActArgs),
    /// Send a submitted release back for changes (with --comment).
    RequestChanges(ActArgs),
    /// Withdraw your approval (with --comment); an in-progress release halts.
    Revoke(ActArgs),
    /// Approve one phase (when the policy asks for per-phase approval).
    ApprovePhase {
        /// The phase's id (see `release show --json`).
        phase: i64,
        #[arg(long = "as", value_name = "PERSON")]
        as_person: Option<String>,
        #[arg(long, default_value = "")]
        comment: String,
    },
    /// Start the rollout of a scheduled (or approved emergency) release.
    Start(ActArgs),
    /// Halt a rollout (with --comment).
    Halt(ActArgs),
    /// Resume a halted rollout.
    Resume(ActArgs),
    /// Mark a rollout completed.
    Complete(ActArgs),
    /// Mark a rollout rolled back (with --comment).
    RollBack(ActArgs),
    /// Cancel a release (with --comment).
    Cancel(ActArgs),
    /// Open the post-implementation review.
    OpenReview(ActArgs),
    /// Close a reviewed, rejected or cancelled release.
    Close(ActArgs),
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the whole chain; with --head, also that the trail still reaches that row.
    Verify {
        /// "ID:HASH" as printed by `audit head` earlier.
        #[arg(long)]
        head: Option<String>,
    },
    /// The last row's "ID:HASH": keep it elsewhere to detect a cut-off tail.
    Head,
    /// Write the trail as CSV (cells that a spreadsheet would run are defused).
    Export { file: PathBuf },
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
            updates,
            as_person,
        } => {
            let who = operator(pool, as_person.as_deref()).await?;
            let id = templates::create_release_with(
                pool, &clock, &who.name, &template, &month, &requester, &updates,
            )
            .await?;
            let detail = releases::get(pool, id).await?;
            if json {
                print_json(&detail);
            } else {
                eprintln!("Created release {id}: {}", detail.title);
                show(&detail);
            }
        }
        ReleaseCommand::Status { release } => {
            let id = releases::find(pool, &release).await?;
            print_status(&approvals::status(pool, &clock, id).await?, json);
        }
        ReleaseCommand::Submit(a) => act(pool, a, Step::Do(Action::Submit), json).await?,
        ReleaseCommand::Approve(a) => act(pool, a, Step::Decide(Decision::Approve), json).await?,
        ReleaseCommand::Reject(a) => act(pool, a, Step::Decide(Decision::Reject), json).await?,
        ReleaseCommand::RequestChanges(a) => {
            act(pool, a, Step::Decide(Decision::RequestChanges), json).await?
        }
        ReleaseCommand::Revoke(a) => act(pool, a, Step::Revoke, json).await?,
        ReleaseCommand::ApprovePhase {
            phase,
            as_person,
            comment,
        } => {
            let who = operator(pool, as_person.as_deref()).await?;
            let s = approvals::approve_phase(pool, &clock, who.id, phase, &comment).await?;
            print_status(&s, json);
        }
        ReleaseCommand::Start(a) => act(pool, a, Step::Do(Action::Start), json).await?,
        ReleaseCommand::Halt(a) => act(pool, a, Step::Do(Action::Halt), json).await?,
        ReleaseCommand::Resume(a) => act(pool, a, Step::Do(Action::Resume), json).await?,
        ReleaseCommand::Complete(a) => act(pool, a, Step::Do(Action::Complete), json).await?,
        ReleaseCommand::RollBack(a) => act(pool, a, Step::Do(Action::RollBack), json).await?,
        ReleaseCommand::Cancel(a) => act(pool, a, Step::Do(Action::Cancel), json).await?,
        ReleaseCommand::OpenReview(a) => act(pool, a, Step::Do(Action::OpenReview), json).await?,
        ReleaseCommand::Close(a) => act(pool, a, Step::Do(Action::Close), json).await?,
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

enum Step {
    Do(Action),
    Decide(Decision),
    Revoke,
}

async fn act(pool: &SqlitePool, a: ActArgs, step: Step, json: bool) -> Result<(), Error> {
    let clock = SystemClock;
    let id = releases::find(pool, &a.release).await?;
    let who = operator(pool, a.as_person.as_deref()).await?;
    let status = match step {
        Step::Do(action) => {
            approvals::transition(pool, &clock, who.id, id, action, &a.comment).await?
        }
        Step::Decide(d) => approvals::decide(pool, &clock, who.id, id, d, &a.comment).await?,
        Step::Revoke => approvals::revoke(pool, &clock, who.id, id, &a.comment).await?,
    };
    print_status(&status, json);
    Ok(())
}

fn print_status(s: &ReleaseStatus, json: bool) {
    if json {
        print_json(s);
        return;
    }
    println!("State: {}", s.state.label());
    if let Some(r) = &s.requester {
        println!("Requested by {r}");
    }
    println!(
        "Approved by {} of {} needed{}",
        s.approved_by.len(),
        s.required,
        if s.approved_by.is_empty() {
            String::new()
        } else {
            format!(": {}", s.approved_by.join(", "))
        }
    );
    let next: Vec<&str> = s.actions.iter().map(|a| a.as_str()).collect();
    println!("Next: {}", next.join(", "));
}

pub async fn audit(
    pool: &SqlitePool,
    cmd: AuditCommand,
    json: bool,
) -> Result<std::process::ExitCode, Error> {
    match cmd {
        AuditCommand::Verify { head } => {
            let v = audit::verify(pool, head.as_deref()).await?;
            if json {
                print_json(&v);
            } else if v.ok {
                println!(
                    "The audit trail holds: {} rows, head {}",
                    v.rows,
                    match (v.head_id, &v.head_hash) {
                        (Some(i), Some(h)) => format!("{i}:{h}"),
                        _ => "none".into(),
                    }
                );
                if let Some(source) = v.key_source {
                    println!("Sealed with a key in the {}.", source.label());
                }
            } else {
                println!(
                    "The audit trail does NOT hold, from row {}: {}",
                    v.first_bad.unwrap_or(0),
                    v.reason.clone().unwrap_or_default()
                );
            }
            if !v.ok {
                return Ok(std::process::ExitCode::from(4));
            }
        }
        AuditCommand::Head => {
            let h = audit::head(pool).await?;
            if json {
                print_json(&serde_json::json!({ "head": h }));
            } else {
                println!("{}", h.unwrap_or_else(|| "(empty)".into()));
            }
        }
        AuditCommand::Export { file } => {
            let n = audit::export_csv(pool, &file).await?;
            if json {
                print_json(&serde_json::json!({ "file": file, "rows": n }));
            } else {
                eprintln!("Wrote {n} audit rows to {}", file.display());
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}
