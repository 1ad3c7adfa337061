//! `patchdesk campaign …`, `patchdesk outbox …` and `patchdesk mail …`.

use crate::release::operator;
use crate::{print_json, short_time};
use clap::{Args, Subcommand, ValueEnum};
use patchdesk_core::mail::campaign::{self, CampaignSummary, FlagSpec, NewCampaign, ReminderSpec};
use patchdesk_core::mail::outbox::{self, OutboxStatus, Until};
use patchdesk_core::mail::{settings, template, Mailer, Secrets, SmtpSecurity};
use patchdesk_core::ports::{CancelToken, SystemClock};
use patchdesk_core::{releases, validate, Error, SqlitePool};
use std::io::Read;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

// Parsed once per run: the size of one variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand)]
pub enum CampaignCommand {
    /// Every campaign with its delivery counts.
    List {
        /// Only this release's (id or title).
        #[arg(long)]
        release: Option<String>,
    },
    /// Create a campaign for a phase's audience; prints its id.
    Create(CreateArgs),
    /// A campaign's settings, counts and failed deliveries.
    Show { id: i64 },
    /// The message one recipient gets, exactly as sent.
    Preview {
        id: i64,
        #[arg(long)]
        recipient: String,
        /// The complete message source instead of its text.
        #[arg(long)]
        source: bool,
    },
    /// Send now, and wait until every message is sent or has failed.
    Send {
        id: i64,
        #[arg(long = "as", value_name = "PERSON")]
        as_person: Option<String>,
    },
    /// Call a campaign off: unsent messages are dropped, and calendar reminders already
    /// sent are cancelled in the recipients' calendars.
    Cancel {
        id: i64,
        #[arg(long = "as", value_name = "PERSON")]
        as_person: Option<String>,
    },
    /// Stop sending (a later `send` continues).
    Pause {
        id: i64,
        #[arg(long = "as", value_name = "PERSON")]
        as_person: Option<String>,
    },
    /// Queue failed messages again, and send them.
    Retry {
        id: i64,
        #[arg(long = "as", value_name = "PERSON")]
        as_person: Option<String>,
    },
}

#[derive(Args)]
pub struct CreateArgs {
    /// The release (id or title).
    #[arg(long)]
    release: String,
    /// The phase's number in the plan (1 = first).
    #[arg(long)]
    phase: i64,
    /// A kind (announcement, overnight, deadline, rollout_completed, rollout_failed) or a
    /// template's name.
    #[arg(long)]
    template: String,
    /// When it goes out by itself (UTC unless it carries an offset); without it the
    /// campaign is a draft that `campaign send` sends.
    #[arg(long)]
    send_at: Option<String>,
    #[arg(long)]
    name: Option<String>,
    /// The follow-up flag's text (default from the kind).
    #[arg(long)]
    flag: Option<String>,
    /// The flag's due time (default: the phase's install deadline).
    #[arg(long)]
    flag_due: Option<String>,
    #[arg(long, conflicts_with_all = ["flag", "flag_due"])]
    no_flag: bool,
    /// The calendar reminder's title (default from the kind).
    #[arg(long)]
    reminder_title: Option<String>,
    /// Local time at each recipient's site, HH:MM.
    #[arg(long)]
    reminder_time: Option<String>,
    /// YYYY-MM-DD (default: the phase's overnight date, else its first day).
    #[arg(long)]
    reminder_date: Option<String>,
    #[arg(long)]
    reminder_minutes: Option<u32>,
    #[arg(long, conflicts_with_all = ["reminder_title", "reminder_time", "reminder_date", "reminder_minutes"])]
    no_reminder: bool,
    #[arg(long = "as", value_name = "PERSON")]
    as_person: Option<String>,
}

#[derive(Subcommand)]
pub enum OutboxCommand {
    /// Counts of the whole outbox: queued, sent, failed, and the next retry.
    Status,
    /// Send everything due, and wait until nothing is left to send or retry.
    Run,
}

#[derive(Subcommand)]
pub enum MailCommand {
    /// The sender and where mail goes.
    Show,
    /// Change the sender or the SMTP server. `--outbox-only` goes back to the folder.
    Set(SetArgs),
    /// Read the SMTP password from standard input into the OS credential store.
    Password,
    /// Connect to the SMTP server (TLS and login included) without sending.
    Check,
}

#[derive(Clone, Copy, ValueEnum)]
enum Security {
    Starttls,
    Tls,
    Plain,
}

#[derive(Args)]
pub struct SetArgs {
    #[arg(long)]
    sender_name: Option<String>,
    #[arg(long)]
    sender_email: Option<String>,
    #[arg(long)]
    smtp_host: Option<String>,
    #[arg(long)]
    smtp_port: Option<u16>,
    #[arg(long, value_enum)]
    security: Option<Security>,
    /// SMTP user name; the password is set with `patchdesk mail password`.
    #[arg(long)]
    user: Option<String>,
    /// Allow unencrypted SMTP to a host that is not this machine.
    #[arg(long)]
    allow_plain_remote: bool,
    #[arg(long)]
    pool_size: Option<u32>,
    /// A PEM file with the organisation's own certificate authority.
    #[arg(long)]
    ca_file: Option<String>,
    /// Messages per second at most (0 = no limit).
    #[arg(long)]
    rate: Option<u32>,
    #[arg(long)]
    retry_base_secs: Option<u32>,
    #[arg(long)]
    max_attempts: Option<u32>,
    /// Folder for .eml files when no SMTP server is set.
    #[arg(long)]
    outbox_dir: Option<String>,
    /// Stop using the SMTP server: messages go to the outbox folder.
    #[arg(long)]
    outbox_only: bool,
}

fn time_arg(what: &str, v: &str) -> Result<chrono::DateTime<chrono::Utc>, Error> {
    validate::instant(v)
        .map_err(|e| Error::invalid(format!("{what}: {e}")))?
        .ok_or_else(|| Error::invalid(format!("{what} is empty")))
}

fn print_summary(s: &CampaignSummary) {
    let n = &s.notices;
    println!(
        "{:>4}  {:<10} {:<44} {:>5} sent {:>5} failed {:>5} queued",
        s.id,
        format!("{:?}", s.state).to_lowercase(),
        format!("{} · {}", s.name, s.release_title),
        n.sent,
        n.failed,
        n.queued
    );
}

fn print_status(s: &OutboxStatus) {
    eprintln!(
        "{} sent, {} failed, {} queued, {} sending{}{}",
        s.sent,
        s.failed,
        s.queued,
        s.sending,
        if s.possible_duplicates > 0 {
            format!(", {} possible duplicates", s.possible_duplicates)
        } else {
            String::new()
        },
        s.next_attempt_at
            .map(|t| format!("; next try {}", short_time(Some(t))))
            .unwrap_or_default()
    );
}

/// Sends until `until`, with a progress line on stderr.
async fn run_sender(
    pool: &SqlitePool,
    data_dir: &Path,
    until: Until,
    json: bool,
) -> Result<OutboxStatus, Error> {
    let s = settings::get(pool).await?;
    let mailer = Arc::new(Mailer::from_settings(&s, data_dir)?);
    if !json {
        eprintln!("Sending to {}", mailer.describe());
    }
    let cancel = CancelToken::default();
    let c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            c.cancel();
        }
    });
    // One line a second at most, whatever the batch size.
    let last = std::sync::Mutex::new(std::time::Instant::now());
    let progress = move |s: &OutboxStatus| {
        let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
        if !json && (last.elapsed().as_millis() >= 1000 || s.queued + s.sending == 0) {
            *last = std::time::Instant::now();
            let waiting = s
                .waiting_for_server
                .as_ref()
                .map(|w| format!(" (waiting for the server: {w})"))
                .unwrap_or_default();
            eprintln!(
                "  {} sent, {} failed, {} left, {:.0}/s{waiting}",
                s.sent,
                s.failed,
                s.queued + s.sending,
                s.rate
            );
        }
    };
    outbox::run(pool, &SystemClock, mailer, until, &cancel, &progress).await
}

fn finished(s: &OutboxStatus, json: bool) -> ExitCode {
    if json {
        print_json(s);
    } else {
        print_status(s);
    }
    // 5: some messages failed (the delivery log says why).
    if s.failed > 0 {
        ExitCode::from(5)
    } else {
        ExitCode::SUCCESS
    }
}

pub async fn campaign(
    pool: &SqlitePool,
    data_dir: &Path,
    cmd: CampaignCommand,
    json: bool,
) -> Result<ExitCode, Error> {
    let clock = SystemClock;
    match cmd {
        CampaignCommand::List { release } => {
            let rel = match release {
                Some(r) => Some(releases::find(pool, &r).await?),
                None => None,
            };
            let list = campaign::list(pool, rel).await?;
            if json {
                print_json(&list);
            } else {
                list.iter().for_each(print_summary);
                eprintln!("{} campaigns", list.len());
            }
        }
        CampaignCommand::Create(a) => {
            let who = operator(pool, a.as_person.as_deref()).await?;
            let release_id = releases::find(pool, &a.release).await?;
            let kind = template::resolve_kind(pool, &a.template).await?;
            let (flag0, reminder0) = campaign::defaults(kind);
            let flag = if a.no_flag {
                None
            } else {
                let base = flag0.unwrap_or(FlagSpec {
                    text: "Follow up".into(),
                    due_at: None,
                });
                let due = match a.flag_due.as_deref() {
                    Some(v) => Some(time_arg("--flag-due", v)?),
                    None => None,
                };
                Some(FlagSpec {
                    text: a.flag.unwrap_or(base.text),
                    due_at: due,
                })
            };
            let wants_reminder = a.reminder_title.is_some()
                || a.reminder_time.is_some()
                || a.reminder_date.is_some()
                || a.reminder_minutes.is_some();
            let reminder = match (a.no_reminder, reminder0, wants_reminder) {
                (true, _, _) | (false, None, false) => None,
                (false, base, _) => {
                    let base = base.unwrap_or(ReminderSpec {
                        title: "Reminder".into(),
                        date: None,
                        time: "16:30".into(),
                        minutes: 15,
                    });
                    let date = match a.reminder_date.as_deref() {
                        Some(d) => validate::date(d)
                            .map_err(|e| Error::invalid(format!("--reminder-date: {e}")))?,
                        None => None,
                    };
                    Some(ReminderSpec {
                        title: a.reminder_title.unwrap_or(base.title),
                        date,
                        time: a.reminder_time.unwrap_or(base.time),
                        minutes: a.reminder_minutes.unwrap_or(base.minutes),
                    })
                }
            };
            let send_at = match a.send_at.as_deref() {
                Some(v) => Some(time_arg("--send-at", v)?),
                None => None,
            };
            let req = NewCampaign {
                release_id,
                phase: a.phase,
                kind,
                name: a.name,
                send_at,
                flag,
                reminder,
            };
            let id = campaign::create(pool, &clock, &who.name, &req).await?;
            let s = campaign::summary(pool, id).await?;
            if json {
                print_json(&s);
            } else {
                println!("{id}");
                let when = match s.state {
                    campaign::CampaignState::Scheduled => {
                        format!("goes out at {} UTC", short_time(Some(s.send_at)))
                    }
                    _ => format!(
                        "a draft: preview it, then send it with: patchdesk campaign send {id}"
                    ),
                };
                eprintln!(
                    "Created campaign {id} \"{}\": {} recipients; {when}",
                    s.name, s.notices.total
                );
            }
        }
        CampaignCommand::Show { id } => {
            let d = campaign::get(pool, id).await?;
            let failed = campaign::deliveries(pool, id, Some("failed"), "", 1000, 0).await?;
            if json {
                print_json(&serde_json::json!({ "campaign": d, "failed": failed }));
            } else {
                print_summary(&d.summary);
                eprintln!(
                    "  from {} <{}>, phase {} ({}), send at {}",
                    d.sender_name,
                    d.sender_email,
                    d.summary.phase,
                    d.summary.phase_name,
                    short_time(Some(d.summary.send_at))
                );
                if d.skipped_total > 0 {
                    eprintln!(
                        "  {} computers without a usable owner e-mail",
                        d.skipped_total
                    );
                }
                if d.phase_moved {
                    eprintln!("  the phase moved since: create an update to move the reminders");
                }
                for f in failed {
                    println!(
                        "  failed  {:<40} {}",
                        f.email,
                        f.last_error.unwrap_or_default()
                    );
                }
            }
        }
        CampaignCommand::Preview {
            id,
            recipient,
            source,
        } => {
            let p = campaign::preview(pool, &clock, id, &recipient).await?;
            if json {
                print_json(&p);
            } else if source {
                print!("{}", p.source);
            } else {
                for (h, v) in &p.headers {
                    println!("{h}: {v}");
                }
                println!("\n{}", p.rendered.text);
            }
        }
        CampaignCommand::Send { id, as_person } => {
            let who = operator(pool, as_person.as_deref()).await?;
            let state = campaign::summary(pool, id).await?.state;
            if state != campaign::CampaignState::Sending {
                campaign::start(pool, &clock, &who.name, id).await?;
            }
            let s = run_sender(pool, data_dir, Until::Campaign(id), json).await?;
            return Ok(finished(&s, json));
        }
        CampaignCommand::Cancel { id, as_person } => {
            let who = operator(pool, as_person.as_deref()).await?;
            let n = campaign::cancel(pool, &clock, &who.name, id).await?;
            if !json {
                eprintln!("Cancelled campaign {id}; {n} calendar cancellations to send");
            }
            let s = run_sender(pool, data_dir, Until::Campaign(id), json).await?;
            return Ok(finished(&s, json));
        }
        CampaignCommand::Pause { id, as_person } => {
            let who = operator(pool, as_person.as_deref()).await?;
            campaign::pause(pool, &clock, &who.name, id).await?;
            if json {
                print_json(&campaign::summary(pool, id).await?);
            } else {
                eprintln!("Paused campaign {id}");
            }
        }
        CampaignCommand::Retry { id, as_person } => {
            let who = operator(pool, as_person.as_deref()).await?;
            let n = campaign::retry_failed(pool, &clock, &who.name, id).await?;
            if !json {
                eprintln!("{n} failed messages queued again");
            }
            let s = run_sender(pool, data_dir, Until::Campaign(id), json).await?;
            return Ok(finished(&s, json));
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn outbox_cmd(
    pool: &SqlitePool,
    data_dir: &Path,
    cmd: OutboxCommand,
    json: bool,
) -> Result<ExitCode, Error> {
    match cmd {
        OutboxCommand::Status => {
            let s = outbox::status(pool, None).await?;
            if json {
                print_json(&s);
            } else {
                print_status(&s);
            }
            Ok(ExitCode::SUCCESS)
        }
        OutboxCommand::Run => {
            let s = run_sender(pool, data_dir, Until::Idle, json).await?;
            Ok(finished(&s, json))
        }
    }
}

pub async fn mail(
    pool: &SqlitePool,
    data_dir: &Path,
    cmd: MailCommand,
    json: bool,
) -> Result<ExitCode, Error> {
    let clock = SystemClock;
    let mut s = settings::get(pool).await?;
    match cmd {
        MailCommand::Show => {
            if json {
                print_json(&s);
            } else {
                println!("Sender: {} <{}>", s.sender_name, s.sender_email);
                match &s.smtp {
                    Some(smtp) => println!(
                        "SMTP: {}:{} ({:?}){}",
                        smtp.host,
                        smtp.port,
                        smtp.security,
                        smtp.username
                            .as_ref()
                            .map(|u| format!(", user {u}"))
                            .unwrap_or_default()
                    ),
                    None => println!(
                        "No SMTP server: messages are written to {}",
                        patchdesk_core::mail::transport::outbox_dir(&s, data_dir).display()
                    ),
                }
            }
        }
        MailCommand::Set(a) => {
            let who = operator(pool, None).await?;
            if let Some(v) = a.sender_name {
                s.sender_name = v;
            }
            if let Some(v) = a.sender_email {
                s.sender_email = v;
            }
            if let Some(v) = a.rate {
                s.rate_per_second = (v > 0).then_some(v);
            }
            if let Some(v) = a.retry_base_secs {
                s.retry_base_secs = v;
            }
            if let Some(v) = a.max_attempts {
                s.max_attempts = v;
            }
            if let Some(v) = a.outbox_dir {
                s.outbox_dir = (!v.is_empty()).then_some(v);
            }
            if a.outbox_only {
                s.smtp = None;
            } else if a.smtp_host.is_some() || s.smtp.is_some() {
                let mut smtp = s.smtp.take().unwrap_or_default();
                if let Some(v) = a.smtp_host {
                    smtp.host = v;
                }
                if let Some(v) = a.smtp_port {
                    smtp.port = v;
                }
                if let Some(v) = a.security {
                    smtp.security = match v {
                        Security::Starttls => SmtpSecurity::Starttls,
                        Security::Tls => SmtpSecurity::Tls,
                        Security::Plain => SmtpSecurity::Plain,
                    };
                }
                if let Some(v) = a.user {
                    smtp.username = (!v.is_empty()).then_some(v);
                }
                if let Some(v) = a.pool_size {
                    smtp.pool_size = v;
                }
                if let Some(v) = a.ca_file {
                    smtp.extra_ca_file = (!v.is_empty()).then_some(v);
                }
                smtp.allow_plain_remote |= a.allow_plain_remote;
                s.smtp = Some(smtp);
            }
            settings::set(pool, &clock, &who.name, &s).await?;
            if json {
                print_json(&s);
            } else {
                eprintln!("Saved the mail settings");
            }
        }
        MailCommand::Password => {
            let smtp = s.smtp.as_ref().ok_or_else(|| {
                Error::invalid("no SMTP server is set (patchdesk mail set --smtp-host …)")
            })?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .map_err(|e| Error::io("reading the password from standard input", e))?;
            Secrets::set_smtp_password(smtp, password.trim_end_matches(['\r', '\n']))?;
            eprintln!("Saved the SMTP password in the credential store");
        }
        MailCommand::Check => {
            let text = Mailer::from_settings(&s, data_dir)?.check().await?;
            if json {
                print_json(&serde_json::json!({ "ok": true, "message": text }));
            } else {
                println!("{text}");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
