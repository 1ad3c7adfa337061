//! Notification e-mail end to end against real SMTP servers on 127.0.0.1: exactly one
//! message per recipient, 4xx/5xx handling, a server that is down, messages read back by
//! independent parsers, calendar updates and call-offs, and hostile values.

mod common;

use common::mail_fixture::*;
use common::smtp::{self, MailDev, Scripted};
use patchdesk_core::mail::campaign::{self, CampaignState};
use patchdesk_core::mail::outbox::{self, OutboxStatus, Until};
use patchdesk_core::mail::template::Kind;
use patchdesk_core::mail::{settings, MailSettings, Mailer, Secrets, SmtpSecurity, SmtpSettings};
use patchdesk_core::ports::{CancelToken, SystemClock};
use patchdesk_core::releases;
use patchdesk_core::{ErrorKind, SqlitePool};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A connection check with the saved settings.
async fn check_saved(f: &Fixture) -> patchdesk_core::Result<String> {
    let s = settings::get(&f.pool).await?;
    Mailer::from_settings(&s, f.dir.path())?.check().await
}

/// keyring-core's in-memory store, the same one the fixtures' databases keep their
/// audit keys in.
fn mock_credential_store() {
    common::mock_credential_store();
}

async fn use_smtp(pool: &SqlitePool, port: u16, security: SmtpSecurity, ca: Option<&Path>) {
    let s = MailSettings {
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            security,
            pool_size: 8,
            timeout_secs: 10,
            extra_ca_file: ca.map(|p| p.display().to_string()),
            ..SmtpSettings::default()
        }),
        retry_base_secs: 1,
        ..MailSettings::default()
    };
    settings::set(pool, &CLOCK, "tester", &s).await.unwrap();
}

async fn send(f: &Fixture, id: i64) -> (OutboxStatus, Vec<OutboxStatus>) {
    let s = settings::get(&f.pool).await.unwrap();
    let mailer = Arc::new(Mailer::from_settings(&s, f.dir.path()).unwrap());
    if campaign::summary(&f.pool, id).await.unwrap().state != CampaignState::Cancelled {
        campaign::start(&f.pool, &CLOCK, "tester", id)
            .await
            .unwrap();
    }
    let seen = Mutex::new(Vec::new());
    let last = outbox::run(
        &f.pool,
        &SystemClock,
        mailer,
        Until::Campaign(id),
        &CancelToken::default(),
        &|s| seen.lock().unwrap().push(s.clone()),
    )
    .await
    .unwrap();
    (last, seen.into_inner().unwrap())
}

async fn rows(pool: &SqlitePool, id: i64) -> Vec<(String, String, i64, bool, String)> {
    sqlx::query_as(
        "SELECT email, state, attempts, possible_duplicate, message_id FROM campaign_messages
         WHERE campaign_id = ? AND purpose = 'notice' ORDER BY email",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_recipients_get_exactly_one_message_each() {
    let f = fixture(&people(1000, "user")).await;
    let md = MailDev::start();
    use_smtp(&f.pool, md.smtp_port, SmtpSecurity::Plain, None).await;
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let (last, _) = send(&f, id).await;
    assert_eq!((last.sent, last.failed, last.queued), (1000, 0, 0));

    let emails = md.emails();
    assert_eq!(emails.len(), 1000, "maildev holds exactly 1,000 messages");
    let mut per_recipient: BTreeMap<String, usize> = BTreeMap::new();
    for e in &emails {
        let to = e["to"].as_array().unwrap();
        assert_eq!(to.len(), 1, "one address in To: {to:?}");
        assert!(e["cc"].as_array().is_none_or(|c| c.is_empty()));
        let envelope = e["envelope"]["to"].as_array().unwrap();
        assert_eq!(envelope.len(), 1, "one envelope recipient");
        *per_recipient
            .entry(to[0]["address"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(per_recipient.len(), 1000);
    assert!(per_recipient.values().all(|n| *n == 1));
    let summary = campaign::summary(&f.pool, id).await.unwrap();
    assert_eq!(summary.notices.sent, 1000);
    assert_eq!(
        summary.state,
        CampaignState::Completed,
        "the campaign completes when the outbox is empty"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejected_recipients_fail_once_and_deferred_ones_are_retried_over_starttls() {
    let mut owners = people(900, "user");
    owners.extend(people(50, "reject"));
    owners.extend(people(50, "later"));
    let f = fixture(&owners).await;
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = smtp::test_ca(certs.path());
    let server = Scripted::start(Some((&cert, &key)));
    use_smtp(&f.pool, server.port, SmtpSecurity::Starttls, Some(&ca)).await;
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let (last, _) = send(&f, id).await;
    assert_eq!((last.sent, last.failed, last.queued), (950, 50, 0));

    let log = server.log();
    assert_eq!(log.len(), 950, "950 messages accepted");
    let mut delivered: BTreeMap<String, usize> = BTreeMap::new();
    for (rcpt, _) in &log {
        assert_eq!(rcpt.len(), 1);
        *delivered.entry(rcpt[0].clone()).or_default() += 1;
    }
    assert!(delivered.values().all(|n| *n == 1), "nobody got two");
    assert!(!delivered.keys().any(|r| r.starts_with("reject")));
    assert_eq!(
        delivered.keys().filter(|r| r.starts_with("later")).count(),
        50
    );

    for (email, state, attempts, dup, _) in rows(&f.pool, id).await {
        if email.starts_with("reject") {
            assert_eq!(
                (state.as_str(), attempts),
                ("failed", 1),
                "{email}: never retried"
            );
        } else if email.starts_with("later") {
            assert_eq!(
                (state.as_str(), attempts),
                ("sent", 2),
                "{email}: retried once"
            );
        } else {
            assert_eq!((state.as_str(), attempts), ("sent", 1), "{email}");
        }
        assert!(!dup);
    }
    let failed = campaign::deliveries(&f.pool, id, Some("failed"), "", 100, 0)
        .await
        .unwrap();
    assert_eq!(failed.len(), 50);
    assert!(
        failed[0]
            .last_error
            .as_deref()
            .unwrap()
            .contains("mailbox unavailable"),
        "the server's own text is kept: {:?}",
        failed[0].last_error
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_for_a_while_loses_nothing_and_is_not_hammered() {
    let f = fixture(&people(100, "user")).await;
    let port = smtp::free_port();
    use_smtp(&f.pool, port, SmtpSecurity::Plain, None).await;
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    // The server comes up 5 seconds after sending starts.
    let starter = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(5));
        MailDev::start_on(port)
    });
    let (last, seen) = send(&f, id).await;
    let md = starter.join().unwrap();
    assert_eq!((last.sent, last.failed), (100, 0));
    let waiting = seen
        .iter()
        .filter(|s| s.waiting_for_server.is_some())
        .count();
    assert!(
        (1..=8).contains(&waiting),
        "backs off while the server is down ({waiting} tries in about 5 s)"
    );
    assert_eq!(md.emails().len(), 100);
    for (email, state, attempts, dup, _) in rows(&f.pool, id).await {
        assert_eq!(
            (state.as_str(), attempts, dup),
            ("sent", 1, false),
            "{email}"
        );
    }
}

/// Python's `email` and `icalendar` read every message of a folder; prints one JSON
/// object per message.
const PY_CHECK: &str = r#"
import email, email.policy, email.utils, json, sys, pathlib
from icalendar import Calendar
out = []
for p in sorted(pathlib.Path(sys.argv[1]).glob("*.eml")):
    raw = p.read_bytes()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [(part.get_content_type(), part.get_param("method")) for part in m.walk()]
    cal = None; ics_lines = []
    for part in m.walk():
        if part.get_content_type() == "text/calendar":
            data = part.get_payload(decode=True)
            ics_lines = data.split(b"\r\n")
            c = Calendar.from_ical(data)
            ev = [e for e in c.walk("VEVENT")][0]
            alarms = [a for a in ev.walk("VALARM")]
            cal = {"method": str(c.get("METHOD")), "uid": str(ev.get("UID")),
                   "sequence": int(ev.get("SEQUENCE", 0)), "status": str(ev.get("STATUS")),
                   "start": ev.decoded("DTSTART").isoformat(),
                   "start_raw": ev.get("DTSTART").to_ical().decode(),
                   "transp": str(ev.get("TRANSP")),
                   "attendee_rsvp": str(ev.get("ATTENDEE").params.get("RSVP")),
                   "organizer": str(ev.get("ORGANIZER")),
                   "alarms": len(alarms),
                   "trigger": [l.decode() for l in ics_lines if l.startswith(b"TRIGGER")]}
    reply_by = m.get("Reply-By")
    out.append({"file": p.name, "to": [a for a in m.get_all("To", [])],
                "to_count": len(email.utils.getaddresses(m.get_all("To", []))),
                "subject": str(m["Subject"]), "message_id": m["Message-ID"],
                "flag": m.get("X-Message-Flag"), "importance": m.get("Importance"),
                "reply_by": email.utils.parsedate_to_datetime(reply_by).isoformat() if reply_by else None,
                "parts": parts, "cal": cal,
                "max_ics_line": max([len(l) for l in ics_lines] or [0]),
                "bad_line_end": any(l.endswith(b"\r") for l in ics_lines),
                "text": (m.get_body(("plain",)) or m).get_content()})
print(json.dumps(out))
"#;

fn python_check(dir: &Path) -> Vec<serde_json::Value> {
    let out = std::process::Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(PY_CHECK)
        .arg(dir)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every .eml of a folder read by mail-parser: one `To`, the flag headers on a notice,
/// and the invitation attached.
fn rust_parse_all(dir: &Path, flagged: bool) {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "eml") {
            continue;
        }
        let raw = std::fs::read(&path).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .unwrap_or_else(|| panic!("{} does not parse", path.display()));
        assert_eq!(parsed.to().unwrap().iter().count(), 1, "{}", path.display());
        let flag = parsed.header_raw("X-Message-Flag").map(str::trim);
        assert_eq!(flag.is_some(), flagged, "{}", path.display());
        if flagged {
            assert_eq!(flag, Some("Leave your computer on"));
            assert_eq!(parsed.header_raw("Importance").map(str::trim), Some("high"));
        }
        assert!(parsed
            .attachments()
            .any(|a| mail_parser::MimeHeaders::attachment_name(a) == Some("invite.ics")));
        n += 1;
    }
    assert!(n > 0, "no messages in {}", dir.display());
}

async fn send_to_folder(f: &Fixture, id: i64, folder: &Path) {
    let s = MailSettings {
        outbox_dir: Some(folder.display().to_string()),
        ..MailSettings::default()
    };
    settings::set(&f.pool, &CLOCK, "tester", &s).await.unwrap();
    let (last, _) = send(f, id).await;
    assert_eq!(last.failed, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_parse_with_independent_parsers_and_reminders_update_and_cancel() {
    let owners = vec![
        Owner(
            "Kim Min-jun",
            "minjun@example.com".into(),
            "Seoul",
            "notify_download",
        ),
        Owner(
            "Kim Min-jun",
            "minjun@example.com".into(),
            "Seoul",
            "auto_download_scheduled",
        ),
        Owner(
            "Ann Smith",
            "ann@example.com".into(),
            "New York",
            "configmgr_advertised",
        ),
    ];
    let f = fixture(&owners).await;
    let first = f.dir.path().join("first");
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    send_to_folder(&f, id, &first).await;
    let msgs = python_check(&first);
    assert_eq!(msgs.len(), 2, "one message per recipient, not per computer");
    for m in &msgs {
        assert_eq!(m["to_count"], 1);
        assert_eq!(m["flag"], "Leave your computer on");
        assert_eq!(m["importance"], "high");
        assert!(
            m["reply_by"].as_str().is_some(),
            "Reply-By is an RFC 5322 date"
        );
        let parts: Vec<(String, Option<String>)> =
            serde_json::from_value(m["parts"].clone()).unwrap();
        let types: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            types,
            [
                "multipart/mixed",
                "multipart/alternative",
                "text/plain",
                "text/html",
                "text/calendar",
                "application/ics"
            ]
        );
        assert_eq!(
            parts[4].1.as_deref(),
            Some("REQUEST"),
            "text/calendar; method=REQUEST"
        );
        let cal = &m["cal"];
        assert_eq!(cal["method"], "REQUEST");
        assert!(
            cal["start_raw"].as_str().unwrap().ends_with('Z'),
            "UTC times"
        );
        assert_eq!(cal["trigger"], serde_json::json!(["TRIGGER:-PT0M"]));
        assert_eq!(cal["alarms"], 1);
        assert_eq!(cal["transp"], "TRANSPARENT");
        assert_eq!(cal["attendee_rsvp"], "FALSE");
        assert_eq!(cal["sequence"], 0);
        assert!(
            m["max_ics_line"].as_u64().unwrap() <= 75,
            "lines of at most 75 octets"
        );
        assert_eq!(m["bad_line_end"], false);
    }
    // Each recipient's 16:30 is their own: Seoul is UTC+9, New York UTC-5 in December.
    let by_to = |needle: &str| {
        msgs.iter()
            .find(|m| m["to"][0].as_str().unwrap().contains(needle))
            .unwrap()
            .clone()
    };
    let seoul = by_to("minjun");
    let ny = by_to("ann");
    assert_eq!(seoul["cal"]["start"], "2026-12-10T07:30:00+00:00");
    assert_eq!(ny["cal"]["start"], "2026-12-10T21:30:00+00:00");
    let text = seoul["text"].as_str().unwrap();
    assert!(
        text.contains("PC-00000") && text.contains("PC-00001"),
        "{text}"
    );
    assert!(text.contains("16:30"), "{text}");

    // The same messages read by mail-parser (Rust, independent of lettre).
    rust_parse_all(&first, true);

    // The phase moves a day: the update keeps the UID and raises SEQUENCE.
    releases::move_phase(&f.pool, &CLOCK, "tester", f.phase_id, 86_400)
        .await
        .unwrap();
    assert!(campaign::get(&f.pool, id).await.unwrap().phase_moved);
    // Moving an approved plan sends it back for approval; here it is approved again.
    sqlx::query("UPDATE releases SET state = 'scheduled' WHERE id = ?")
        .bind(f.release)
        .execute(&f.pool)
        .await
        .unwrap();
    let second = f.dir.path().join("second");
    let update = campaign::resend_updated(&f.pool, &CLOCK, "tester", id)
        .await
        .unwrap();
    send_to_folder(&f, update, &second).await;
    let updated = python_check(&second);
    rust_parse_all(&second, true);
    for m in &updated {
        let before = msgs.iter().find(|x| x["to"] == m["to"]).unwrap();
        assert_eq!(m["cal"]["uid"], before["cal"]["uid"], "same UID");
        assert_eq!(m["cal"]["sequence"], 1, "SEQUENCE + 1");
        assert_ne!(m["cal"]["start"], before["cal"]["start"]);
        assert_ne!(m["message_id"], before["message_id"], "a new message");
    }

    // Calling it off sends METHOD:CANCEL with the same UID and a higher SEQUENCE.
    let third = f.dir.path().join("third");
    let n = campaign::cancel(&f.pool, &CLOCK, "tester", update)
        .await
        .unwrap();
    assert_eq!(n, 2);
    send_to_folder(&f, update, &third).await;
    let cancels = python_check(&third);
    rust_parse_all(&third, false);
    assert_eq!(cancels.len(), 2);
    for m in &cancels {
        assert_eq!(m["cal"]["method"], "CANCEL");
        assert_eq!(m["cal"]["status"], "CANCELLED");
        assert_eq!(m["cal"]["sequence"], 2);
        assert_eq!(m["cal"]["alarms"], 0, "no alarm on a call-off");
        let parts: Vec<(String, Option<String>)> =
            serde_json::from_value(m["parts"].clone()).unwrap();
        assert_eq!(parts[4].1.as_deref(), Some("CANCEL"));
        assert!(m["flag"].is_null(), "a call-off is not flagged");
    }
}

#[tokio::test]
async fn hostile_values_stay_text_and_never_become_headers() {
    let owners = vec![Owner(
        "<script>alert(1)</script> {{ 7*7 }} [x](http://evil)",
        "victim@example.com".into(),
        "Seoul",
        "notify_download",
    )];
    let f = fixture(&owners).await;
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let p = campaign::preview(&f.pool, &CLOCK, id, "victim@example.com")
        .await
        .unwrap();
    assert!(!p.rendered.html.contains("<script>"));
    assert!(p.rendered.html.contains("&lt;script&gt;"));
    assert!(!p.rendered.html.contains("href=\"http://evil"));
    assert!(p.rendered.text.contains("{{ 7*7 }}") && !p.rendered.text.contains("49"));

    // CR/LF where a header is made is refused before anything is stored.
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns")
        .fetch_one(&f.pool)
        .await
        .unwrap();
    for (flag, title) in [
        ("Follow up\r\nBcc: all@example.com", "ok"),
        ("ok", "Reminder\nX-Evil: 1"),
    ] {
        let mut req = overnight(&f);
        req.flag.as_mut().unwrap().text = flag.into();
        req.reminder.as_mut().unwrap().title = title.into();
        let e = campaign::create(&f.pool, &CLOCK, "tester", &req)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert!(e.to_string().contains("control character"), "{e}");
    }
    let bad_sender = MailSettings {
        sender_name: "IT\r\nBcc: all@example.com".into(),
        ..MailSettings::default()
    };
    assert!(settings::set(&f.pool, &CLOCK, "tester", &bad_sender)
        .await
        .is_err());
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM campaigns")
        .fetch_one(&f.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
}

#[tokio::test]
async fn unencrypted_smtp_is_only_for_loopback_and_the_password_stays_out_of_the_database() {
    let f = fixture(&people(2, "user")).await;
    let remote = MailSettings {
        smtp: Some(SmtpSettings {
            host: "smtp.example.com".into(),
            security: SmtpSecurity::Plain,
            ..SmtpSettings::default()
        }),
        ..MailSettings::default()
    };
    let e = settings::set(&f.pool, &CLOCK, "tester", &remote)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("without encryption"), "{e}");

    mock_credential_store();
    let smtp = SmtpSettings {
        host: "smtp.example.com".into(),
        username: Some("patchdesk".into()),
        ..SmtpSettings::default()
    };
    let s = MailSettings {
        smtp: Some(smtp.clone()),
        ..MailSettings::default()
    };
    settings::set(&f.pool, &CLOCK, "tester", &s).await.unwrap();
    Secrets::set_smtp_password(&smtp, "correct horse battery staple").unwrap();
    assert_eq!(
        Secrets::smtp_password(&smtp).unwrap().as_deref(),
        Some("correct horse battery staple")
    );
    f.pool.close().await;
    for entry in std::fs::read_dir(f.dir.path()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap_or_default();
        assert!(
            !bytes
                .windows(b"correct horse".len())
                .any(|w| w == b"correct horse"),
            "the password is in no file of the data directory"
        );
    }
}

#[tokio::test]
async fn a_connection_check_explains_what_is_wrong() {
    let f = fixture(&people(1, "user")).await;
    use_smtp(&f.pool, smtp::free_port(), SmtpSecurity::Plain, None).await;
    let e = check_saved(&f).await.unwrap_err();
    assert!(e.to_string().contains("nothing answers there"), "{e}");

    // A TLS server whose certificate authority is not trusted.
    let certs = tempfile::tempdir().unwrap();
    let (_, cert, key) = smtp::test_ca(certs.path());
    let server = Scripted::start(Some((&cert, &key)));
    use_smtp(&f.pool, server.port, SmtpSecurity::Starttls, None).await;
    let e = check_saved(&f).await.unwrap_err();
    assert!(e.to_string().contains("certificate"), "{e}");

    // Plain to a server that requires STARTTLS.
    use_smtp(&f.pool, server.port, SmtpSecurity::Plain, None).await;
    // Connecting works without TLS; sending is refused with 530.
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let (last, _) = send(&f, id).await;
    assert_eq!(last.failed, 1);
    let d = campaign::deliveries(&f.pool, id, None, "", 10, 0)
        .await
        .unwrap();
    assert!(
        d[0].last_error.as_deref().unwrap().contains("530"),
        "{:?}",
        d[0].last_error
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_asks_for_a_login_gets_the_password_from_the_credential_store() {
    mock_credential_store();
    let f = fixture(&people(3, "user")).await;
    let md = MailDev::start_with_login("patchdesk", "s3cret-pass");
    let smtp = SmtpSettings {
        host: "127.0.0.1".into(),
        port: md.smtp_port,
        security: SmtpSecurity::Plain,
        username: Some("patchdesk".into()),
        ..SmtpSettings::default()
    };
    let s = MailSettings {
        smtp: Some(smtp.clone()),
        ..MailSettings::default()
    };
    // Without a saved password the error says where to set it.
    settings::set(&f.pool, &CLOCK, "tester", &s).await.unwrap();
    let e = Mailer::from_settings(&s, f.dir.path()).err().unwrap();
    assert!(e.to_string().contains("needs a password"), "{e}");

    settings::save(&f.pool, &CLOCK, "tester", &s, Some("wrong"))
        .await
        .unwrap();
    let e = check_saved(&f).await.unwrap_err();
    assert!(e.to_string().contains("user name or password"), "{e}");

    settings::save(&f.pool, &CLOCK, "tester", &s, Some("s3cret-pass"))
        .await
        .unwrap();
    let ok = check_saved(&f).await.unwrap();
    assert!(ok.starts_with("Connected"), "{ok}");
    let view = settings::view(&f.pool, f.dir.path()).await.unwrap();
    assert!(view.password_saved);
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let (last, _) = send(&f, id).await;
    assert_eq!((last.sent, last.failed), (3, 0));
    assert_eq!(md.emails().len(), 3);
}

/// The server takes the message but answers after the client gave up: the row is sent
/// again once, with the same Message-ID, and flagged as a possible duplicate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_comes_too_late_is_retried_once_with_the_same_message_id() {
    let mut owners = people(5, "user");
    owners.extend(people(1, "slow"));
    let f = fixture(&owners).await;
    let server = Scripted::start(None);
    let s = MailSettings {
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: server.port,
            security: SmtpSecurity::Plain,
            timeout_secs: 2,
            ..SmtpSettings::default()
        }),
        retry_base_secs: 1,
        ..MailSettings::default()
    };
    settings::set(&f.pool, &CLOCK, "tester", &s).await.unwrap();
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let (last, _) = send(&f, id).await;
    assert_eq!(
        (last.sent, last.failed, last.possible_duplicates),
        (6, 0, 1)
    );
    let slow: Vec<String> = server
        .log()
        .into_iter()
        .filter(|(rcpt, _)| rcpt[0].starts_with("slow"))
        .map(|(_, mid)| mid)
        .collect();
    assert_eq!(slow.len(), 2, "the server got it twice");
    assert_eq!(slow[0], slow[1], "with the same Message-ID");
    let d = campaign::deliveries(&f.pool, id, None, "slow", 10, 0)
        .await
        .unwrap();
    assert!(d[0].possible_duplicate && d[0].state == "sent");
    assert!(
        d[0].last_error
            .as_deref()
            .unwrap()
            .contains("same Message-ID"),
        "{:?}",
        d[0].last_error
    );
}

/// Pausing while messages go out: what was claimed but not started goes back to the
/// queue untouched; sending again finishes the rest, nobody twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_mid_send_stops_it_and_sending_again_finishes_without_repeats() {
    let f = fixture(&people(200, "user")).await;
    let md = MailDev::start();
    let s = MailSettings {
        smtp: Some(SmtpSettings {
            host: "127.0.0.1".into(),
            port: md.smtp_port,
            security: SmtpSecurity::Plain,
            ..SmtpSettings::default()
        }),
        rate_per_second: Some(50),
        ..MailSettings::default()
    };
    settings::set(&f.pool, &CLOCK, "tester", &s).await.unwrap();
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    let pool = f.pool.clone();
    let pauser = tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        campaign::pause(&pool, &CLOCK, "tester", id).await.unwrap();
    });
    let (first, _) = send(&f, id).await;
    pauser.await.unwrap();
    let summary = campaign::summary(&f.pool, id).await.unwrap();
    assert_eq!(summary.state, CampaignState::Paused);
    assert!(
        first.sent > 0 && first.sent < 200,
        "paused mid-way: {first:?}"
    );
    assert_eq!(first.sending, 0, "nothing left half-claimed");
    assert_eq!(first.sent + first.queued, 200);
    assert_eq!(md.emails().len() as i64, first.sent);

    let (last, _) = send(&f, id).await;
    assert_eq!(
        (last.sent, last.failed, last.possible_duplicates),
        (200, 0, 0)
    );
    assert_eq!(md.emails().len(), 200, "everybody once");
}

/// End users hear of a change while it is approved and running; administrators hear
/// how it ended. Each kind refuses releases in other states, naming them.
#[tokio::test]
async fn each_kind_of_campaign_is_for_releases_in_its_own_states() {
    let f = fixture(&people(2, "user")).await;
    let mut req = overnight(&f);
    req.kind = Kind::RolloutFailed;
    req.reminder = None;
    let e = campaign::create(&f.pool, &CLOCK, "tester", &req)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(
        e.to_string().contains("is scheduled") && e.to_string().contains("halted"),
        "{e}"
    );
    sqlx::query("UPDATE releases SET state = 'halted' WHERE id = ?")
        .bind(f.release)
        .execute(&f.pool)
        .await
        .unwrap();
    let id = campaign::create(&f.pool, &CLOCK, "tester", &req)
        .await
        .unwrap();
    let p = campaign::preview(&f.pool, &CLOCK, id, "user0000@example.com")
        .await
        .unwrap();
    assert!(
        p.rendered.subject.starts_with("Action needed"),
        "{}",
        p.rendered.subject
    );
    assert!(p.rendered.text.contains("PC-00000"));
    // An overnight request for a halted release is still allowed; a completed one is not.
    sqlx::query("UPDATE releases SET state = 'completed' WHERE id = ?")
        .bind(f.release)
        .execute(&f.pool)
        .await
        .unwrap();
    assert!(campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .is_err());
}

/// A notice for a night that has passed everywhere, a deadline reminder after the
/// deadline and a send time in the past are refused with the reason; nothing is stored.
#[tokio::test]
async fn notices_for_a_day_that_has_gone_are_refused() {
    use chrono::TimeZone;
    let f = fixture(&people(4, "late")).await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM campaigns")
            .fetch_one(&f.pool)
            .await
            .unwrap()
    };
    // The phase's overnight night is 10 December; at 02:00 UTC on the 12th it is over
    // even in the latest time zone.
    let after_the_night = patchdesk_core::ports::FixedClock(
        chrono::Utc.with_ymd_and_hms(2026, 12, 12, 2, 0, 0).unwrap(),
    );
    let e = campaign::create(&f.pool, &after_the_night, "tester", &overnight(&f))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("Thursday 10 December 2026"), "{e}");
    assert!(e.to_string().contains("has passed"), "{e}");
    // Early on the 11th (UTC) it is still the evening of the 10th in the Pacific.
    let still_evening = patchdesk_core::ports::FixedClock(
        chrono::Utc.with_ymd_and_hms(2026, 12, 11, 1, 0, 0).unwrap(),
    );
    campaign::create(&f.pool, &still_evening, "tester", &overnight(&f))
        .await
        .unwrap();
    assert_eq!(count().await, 1);
    // A deadline reminder once the deadline has gone.
    let long_after = patchdesk_core::ports::FixedClock(
        chrono::Utc.with_ymd_and_hms(2027, 1, 30, 0, 0, 0).unwrap(),
    );
    let mut deadline = overnight(&f);
    deadline.kind = Kind::Deadline;
    deadline.reminder = None;
    let e = campaign::create(&f.pool, &long_after, "tester", &deadline)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("deadline"), "{e}");
    // A send time in the past (1969) would have gone out at once.
    let mut past = overnight(&f);
    past.send_at = Some(
        chrono::Utc
            .with_ymd_and_hms(1969, 7, 20, 20, 17, 0)
            .unwrap(),
    );
    let e = campaign::create(&f.pool, &CLOCK, "tester", &past)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Invalid);
    assert!(e.to_string().contains("in the past"), "{e}");
    assert_eq!(count().await, 1, "nothing stored by a refusal");
}

/// STARTTLS required and a server that does not offer it (maildev never does): sending
/// stops at once with the reason instead of waiting for the server for ever, nothing is
/// sent (in clear or otherwise), and every message is still queued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starttls_required_but_not_offered_fails_at_once_with_the_reason() {
    let f = fixture(&people(20, "tls")).await;
    let md = MailDev::start();
    use_smtp(&f.pool, md.smtp_port, SmtpSecurity::Starttls, None).await;
    let id = campaign::create(&f.pool, &CLOCK, "tester", &overnight(&f))
        .await
        .unwrap();
    campaign::start(&f.pool, &CLOCK, "tester", id)
        .await
        .unwrap();
    let s = settings::get(&f.pool).await.unwrap();
    let mailer = Arc::new(Mailer::from_settings(&s, f.dir.path()).unwrap());
    // A ceiling only a hang reaches: the run must end by itself.
    let run = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        outbox::run(
            &f.pool,
            &SystemClock,
            mailer,
            Until::Campaign(id),
            &CancelToken::default(),
            &|_| {},
        ),
    )
    .await
    .expect("sending ended by itself");
    let e = run.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(e.to_string().contains("STARTTLS"), "{e}");
    assert!(md.emails().is_empty(), "nothing was sent");
    let states: Vec<String> = rows(&f.pool, id).await.into_iter().map(|r| r.1).collect();
    assert_eq!(states.len(), 20);
    assert!(states.iter().all(|s| s == "queued"), "{states:?}");
}
