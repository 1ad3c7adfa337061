//! The `patchdesk` binary as a script would use it: exit codes, JSON, and kill -9.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn patchdesk(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patchdesk"))
        .env("PATCHDESK_DATA_DIR", data)
        .args(args)
        .output()
        .expect("run patchdesk")
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

/// An update the demo's catalogue has for the current cycle: far-future releases made
/// from the template name it, since a release without updates cannot be submitted.
fn current_kb(d: &Path) -> String {
    let o = patchdesk(d, &["--json", "updates", "list", "--hide-superseded"]);
    json(&o)["rows"][0]["kb"].as_str().unwrap().to_string()
}

#[test]
fn demo_list_and_import_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let o = patchdesk(dir.path(), &["demo", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(json(&o)["computers"], 2000);

    let o = patchdesk(
        dir.path(),
        &["computers", "list", "--site", "berlin", "--all", "--json"],
    );
    assert!(o.status.success());
    let page = json(&o);
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, page["total"].as_u64().unwrap());
    assert!(rows.len() > 100);
    assert!(rows
        .iter()
        .all(|r| r["site"] == "Berlin" && r["siteTimeZone"] == "Europe/Berlin"));

    // An unknown site is an error with a clear message and a non-zero exit code.
    let o = patchdesk(dir.path(), &["computers", "list", "--site", "Atlantis"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no site named 'Atlantis'"));
    let o = patchdesk(
        dir.path(),
        &["computers", "list", "--site", "Atlantis", "--json"],
    );
    assert_eq!(json(&o)["error"]["kind"], "notFound");

    // Loading the demo twice is refused.
    let o = patchdesk(dir.path(), &["demo"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already holds 2000 computers"));

    // A partial import exits 3 and names the bad line.
    let csv = dir.path().join("new.csv");
    std::fs::write(&csv, "name,site\nNEW-PC-1,Berlin\nNEW PC 2,Berlin\n").unwrap();
    let o = patchdesk(dir.path(), &["import", "computers", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("1 accepted (1 new, 0 updated), 1 rejected"),
        "{err}"
    );
    assert!(err.contains("line 3, column name"), "{err}");
    // A dry run only reports (exit 0); --all-or-nothing refuses the file (exit 3).
    std::fs::write(&csv, "name,site\nNEW-PC-3,Berlin\nNEW PC 4,Berlin\n").unwrap();
    let o = patchdesk(
        dir.path(),
        &["import", "computers", csv.to_str().unwrap(), "--dry-run"],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = patchdesk(
        dir.path(),
        &[
            "import",
            "computers",
            csv.to_str().unwrap(),
            "--all-or-nothing",
        ],
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Refused, nothing changed"));
    // A file-level error exits 1 and changes nothing.
    std::fs::write(&csv, "name,site\nNEW-PC-9,\"Berlin\n").unwrap();
    let o = patchdesk(
        dir.path(),
        &["import", "computers", csv.to_str().unwrap(), "--json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(json(&o)["error"]["message"]
        .as_str()
        .unwrap()
        .contains("line 2, column 2"));
    let o = patchdesk(dir.path(), &["info", "--json"]);
    assert_eq!(json(&o)["summary"]["computers"], 2001);
}

/// kill -9 in the middle of a 200,000-row import: the database is intact and holds the
/// import entirely or not at all.
#[test]
fn kill_9_during_a_large_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let csv_dir = dir.path().join("csv");
    let o = patchdesk(
        dir.path(),
        &[
            "demo",
            "--computers",
            "200000",
            "--csv",
            csv_dir.to_str().unwrap(),
        ],
    );
    assert!(o.status.success());
    let file = csv_dir.join("computers.csv");
    let mut killed_mid_import = 0;
    for (round, delay_ms) in [150u64, 400, 900, 1600].into_iter().enumerate() {
        let data = dir.path().join(format!("round{round}"));
        std::fs::create_dir_all(&data).unwrap();
        // Create the database first, so the kill lands in the import, not in migrations.
        assert!(patchdesk(&data, &["info"]).status.success());
        let mut child = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
            .env("PATCHDESK_DATA_DIR", &data)
            .args(["import", "computers", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_millis(delay_ms) {
            std::thread::sleep(Duration::from_millis(10));
        }
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (integrity, count) = rt.block_on(async {
            let url = format!("sqlite://{}", data.join("patchdesk.sqlite").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let (i,): (String,) = sqlx::query_as("PRAGMA integrity_check")
                .fetch_one(&pool)
                .await
                .unwrap();
            let (c,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM computers")
                .fetch_one(&pool)
                .await
                .unwrap();
            (i, c)
        });
        assert_eq!(integrity, "ok", "round {round}");
        assert!(
            count == 0 || count == 200_000,
            "round {round}: {count} computers after kill -9"
        );
        if still_running && count == 0 {
            killed_mid_import += 1;
        }
    }
    assert!(
        killed_mid_import >= 1,
        "no kill landed in the middle of the import"
    );
}

#[test]
fn collections_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(patchdesk(d, &["demo"]).status.success());

    // A misspelt field: exit 1, the position and a caret on stderr, nothing created.
    let o = patchdesk(
        d,
        &[
            "collection",
            "create",
            "Old",
            "--query",
            "site = 'Seoul HQ' and os_versoin < 10.0.19045",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 1, column 23") && err.contains("did you mean 'os_version'"),
        "{err}"
    );
    assert!(err.contains("\n                      ^^^^^^^^^^"), "{err}");

    let q = "site = 'Seoul HQ' and role = workstation and os_version < 10.0.19045";
    assert!(patchdesk(d, &["collection", "create", "Old", "--query", q])
        .status
        .success());
    assert!(
        patchdesk(d, &["collection", "create", "Wrapper", "--include", "Old"])
            .status
            .success()
    );
    let o = patchdesk(d, &["collection", "update", "Old", "--exclude", "Wrapper"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cycle: Old → Wrapper → Old"));

    let evals = json(&patchdesk(d, &["--json", "collection", "eval", "Wrapper"]));
    let evals = evals.as_array().unwrap();
    assert_eq!(
        evals.len(),
        2,
        "the never-evaluated include first: {evals:?}"
    );
    assert_eq!(evals[0]["name"], "Old");
    let members = evals[1]["memberCount"].as_i64().unwrap();
    assert!(members > 0);
    assert_eq!(evals[0]["memberCount"].as_i64().unwrap(), members);

    // The members are exactly what the inventory filter says.
    let list = json(&patchdesk(d, &["--json", "collection", "list"]));
    let old = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "Old")
        .unwrap();
    assert_eq!(old["memberCount"].as_i64().unwrap(), members);
    // Listed one by one, as ConfigMgr's Get-CMCollectionMember does.
    let listed = json(&patchdesk(d, &["--json", "collection", "members", "Old"]));
    let rows = listed["rows"].as_array().unwrap();
    assert_eq!(rows.len() as i64, members);
    assert_eq!(listed["total"].as_i64().unwrap(), members);
    assert!(rows.iter().all(|r| r["site"] == "Seoul HQ"), "{rows:?}");
    let text = patchdesk(d, &["collection", "members", "Old"]);
    assert!(text.status.success());
    assert_eq!(
        String::from_utf8_lossy(&text.stdout).lines().count() as i64,
        members + 1,
        "a header and a line a member"
    );
    let o = patchdesk(d, &["collection", "members", "Nope"]);
    assert_eq!(o.status.code(), Some(1));

    let o = patchdesk(d, &["collection", "delete", "Old"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("used by 'Wrapper'"));
    let all = json(&patchdesk(d, &["--json", "collection", "eval", "--all"]));
    assert!(all.as_array().unwrap().len() >= 3 + 8 + 4 + 2);
}

#[test]
fn releases_and_the_schedule_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(patchdesk(d, &["demo", "--computers", "300"])
        .status
        .success());
    let list = json(&patchdesk(d, &["--json", "release", "list"]));
    // Last cycle's, this cycle's, the next one and the emergency.
    assert_eq!(list.as_array().unwrap().len(), 4);

    let out = patchdesk(
        d,
        &[
            "--json",
            "release",
            "create",
            "--template",
            "Patch Tuesday",
            "--month",
            "2031-03",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created = json(&out);
    assert_eq!(created["title"], "Patch Tuesday — March 2031");
    // Patch Tuesday of March 2031 is the 11th; the pilot opens the 12th, 10:00 in Seoul.
    assert_eq!(created["phases"][0]["availableAt"], "2031-03-12T01:00:00Z");
    let id = created["id"].to_string();

    let shown = json(&patchdesk(d, &["--json", "release", "show", &id]));
    assert_eq!(shown["release"]["id"], created["id"]);
    assert!(shown["windowFit"].as_array().unwrap().len() >= 3);
    let text = patchdesk(d, &["release", "show", "Patch Tuesday — March 2031"]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("When each site installs"));

    let bad = patchdesk(
        d,
        &[
            "release",
            "create",
            "--template",
            "Nope",
            "--month",
            "2031-03",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no template named 'Nope'"));

    let ics = d.join("schedule.ics");
    let out = patchdesk(
        d,
        &[
            "--json",
            "schedule",
            "export",
            "--ics",
            ics.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // 3 rings of the demo's three cycles and of March 2031, and the emergency phase.
    assert_eq!(json(&out)["events"], 13);
    let text = std::fs::read_to_string(&ics).unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 13);
}

#[test]
fn approvals_and_the_audit_trail_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(patchdesk(d, &["demo", "--computers", "300"])
        .status
        .success());
    let kb = current_kb(d);
    let created = json(&patchdesk(
        d,
        &[
            "--json",
            "release",
            "create",
            "--template",
            "Patch Tuesday",
            "--month",
            "2031-05",
            "--update",
            &kb,
            "--as",
            "Min-jun Park",
        ],
    ));
    let id = created["id"].to_string();
    let submitted = json(&patchdesk(
        d,
        &["--json", "release", "submit", &id, "--as", "Min-jun Park"],
    ));
    assert_eq!(submitted["state"], "submitted");
    assert_eq!(submitted["requester"], "Min-jun Park");
    // The requester cannot approve, whatever --as says about roles.
    let own = patchdesk(d, &["release", "approve", &id, "--as", "Min-jun Park"]);
    assert_eq!(own.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&own.stderr).contains("never approves their own change"));
    // A rejection needs a reason.
    let bare = patchdesk(d, &["release", "reject", &id, "--as", "Anna Schmidt"]);
    assert_eq!(bare.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bare.stderr).contains("needs a comment"));
    let one = json(&patchdesk(
        d,
        &["--json", "release", "approve", &id, "--as", "Anna Schmidt"],
    ));
    assert_eq!(
        (one["state"].as_str(), one["required"].as_u64()),
        (Some("submitted"), Some(2))
    );
    let two = json(&patchdesk(
        d,
        &[
            "--json",
            "release",
            "approve",
            &id,
            "--as",
            "James Miller",
            "--comment",
            "ok",
        ],
    ));
    assert_eq!(two["state"], "scheduled");

    let head = json(&patchdesk(d, &["--json", "audit", "head"]))["head"]
        .as_str()
        .unwrap()
        .to_string();
    let v = patchdesk(d, &["--json", "audit", "verify", "--head", &head]);
    assert!(v.status.success());
    assert_eq!(json(&v)["ok"], true);
    let csv = d.join("audit.csv");
    let out = json(&patchdesk(
        d,
        &["--json", "audit", "export", csv.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().count() as u64,
        out["rows"].as_u64().unwrap() + 1
    );
    assert!(text.contains("approval.approve"));
    // Each --as naming someone other than this account's person is an advisory profile
    // switch on the trail.
    let switches: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("operator.switch"))
        .collect();
    assert!(switches.len() >= 4, "{switches:?}");
    assert!(switches.iter().all(|l| l.contains("advisory")));
    assert!(switches.iter().any(|l| l.contains("James Miller")));
}

/// A hostile value never reaches the terminal raw: the rejected name's escape sequence
/// is printed as a visible escape.
#[test]
fn user_data_is_printed_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("evil.csv");
    std::fs::write(
        &csv,
        "name,site,time_zone\nEVIL\u{1b}]0;owned\u{7}\u{1b}[31m,Berlin,Europe/Berlin\nOK-1,Berlin,Europe/Berlin\n",
    )
    .unwrap();
    let o = patchdesk(dir.path(), &["import", "computers", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.stderr.contains(&0x1b) && !o.stderr.contains(&0x07),
        "{err:?}"
    );
    assert!(err.contains("line 2"), "{err}");
    assert!(err.contains("\\u{1b}"), "{err}");
    // An error quoting what was typed, too.
    let o = patchdesk(dir.path(), &["release", "status", "Nope\u{1b}[2J"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        !o.stderr.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// kill -9 while approvals are being written: each approval has exactly its audit row,
/// no audit row lacks its approval, and the chain holds.
#[test]
fn kill_9_during_approvals_leaves_each_approval_with_its_audit_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(patchdesk(d, &["demo", "--computers", "200"])
        .status
        .success());
    let mut ids = Vec::new();
    let kb = current_kb(d);
    for m in 1..=24 {
        let month = format!("{}-{:02}", 2027 + (m - 1) / 12, (m - 1) % 12 + 1);
        let r = json(&patchdesk(
            d,
            &[
                "--json",
                "release",
                "create",
                "--template",
                "Patch Tuesday",
                "--month",
                &month,
                "--update",
                &kb,
                "--as",
                "Min-jun Park",
            ],
        ));
        let id = r["id"].to_string();
        assert!(
            patchdesk(d, &["release", "submit", &id, "--as", "Min-jun Park"])
                .status
                .success()
        );
        ids.push(id);
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let url = format!("sqlite://{}", d.join("patchdesk.sqlite").display());
    // Each approval runs in its own process, killed with SIGKILL after a delay that
    // sweeps from before it opens the database to after it has committed.
    let mut landed = 0;
    let mut written = 0;
    for (round, chunk) in ids.chunks(8).enumerate() {
        for (k, id) in chunk.iter().enumerate() {
            for (j, who) in ["Anna Schmidt", "James Miller"].into_iter().enumerate() {
                let mut child = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
                    .env("PATCHDESK_DATA_DIR", d)
                    .args(["release", "approve", id, "--as", who])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap();
                let delay = Duration::from_millis(5 + ((k * 2 + j) as u64 * 37) % 400);
                std::thread::sleep(delay);
                if child.try_wait().unwrap().is_none() {
                    landed += 1;
                }
                child.kill().unwrap(); // SIGKILL, this process only
                child.wait().unwrap();
            }
        }
        let (integrity, unmatched_approvals, orphan_rows, approvals) = rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let one = |sql: &'static str| {
                let pool = pool.clone();
                async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
            };
            let (i,): (String,) = sqlx::query_as("PRAGMA integrity_check").fetch_one(&pool).await.unwrap();
            (
                i,
                one("SELECT COUNT(*) FROM approvals a WHERE (SELECT COUNT(*) FROM audit_log l
                     WHERE l.action = 'approval.' || a.decision AND json_extract(l.detail, '$.approval') = a.id) != 1")
                .await,
                one("SELECT COUNT(*) FROM audit_log l WHERE l.action LIKE 'approval.approve'
                     AND NOT EXISTS (SELECT 1 FROM approvals a WHERE a.id = json_extract(l.detail, '$.approval'))")
                .await,
                one("SELECT COUNT(*) FROM approvals").await,
            )
        });
        assert_eq!(integrity, "ok", "round {round}");
        assert_eq!(
            unmatched_approvals, 0,
            "round {round}: approvals without exactly one audit row"
        );
        assert_eq!(
            orphan_rows, 0,
            "round {round}: audit rows without their approval"
        );
        written = approvals;
        let v = patchdesk(d, &["--json", "audit", "verify"]);
        assert!(
            v.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&v.stdout)
        );
    }
    // Both ends of the sweep happened: kills while an approval ran, and approvals that
    // finished before their kill.
    assert!(landed > 0, "no kill landed while an approval was running");
    assert!(written > 0, "no approval finished before its kill");
}

// The SMTP harness the core's mail tests use (maildev on free ports).
#[allow(dead_code)]
#[path = "../../patchdesk-core/tests/common/smtp.rs"]
mod smtp;

#[test]
fn campaigns_through_the_cli_and_kill_9_mid_campaign_sends_nobody_two_messages() {
    let dir = tempfile::tempdir().unwrap();
    let md = smtp::MailDev::start();
    let run = |args: &[&str]| {
        let o = patchdesk(dir.path(), args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        o
    };
    run(&["demo"]);
    let create = |phase: &str, template: &str| {
        patchdesk(
            dir.path(),
            &[
                "campaign",
                "create",
                // The demo's next cycle: scheduled, its nights all ahead.
                "--release",
                "3",
                "--phase",
                phase,
                "--template",
                template,
            ],
        )
    };
    let port = md.smtp_port.to_string();
    // Paced to about 300 a second, so the kills land mid-campaign.
    run(&[
        "mail",
        "set",
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        &port,
        "--security",
        "plain",
        "--rate",
        "300",
        "--sender-email",
        "it-servicedesk@contoso.example",
    ]);
    let o = create("3", "overnight");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let id = String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_eq!(id, "1", "prints the new campaign's id");

    // Bad input is refused with the reason and creates nothing.
    let o = create("9", "overnight");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has no phase 9"));
    let o = create("3", "newsletter");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no template or kind"));

    let status = json(&run(&["outbox", "status", "--json"]));
    let total = status["queued"].as_i64().unwrap();
    assert!(total > 1000, "{status}");
    let recipient: String = {
        let p = json(&run(&["campaign", "list", "--json"]));
        assert_eq!(p.as_array().unwrap().len(), 1);
        let o = run(&["--json", "campaign", "show", &id]);
        assert_eq!(json(&o)["campaign"]["summary"]["state"], "draft");
        let db = dir.path().join("patchdesk.sqlite");
        let rt = tokio_rt();
        rt.block_on(async {
            let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display()))
                .await
                .unwrap();
            sqlx::query_scalar(
                "SELECT email FROM campaign_messages WHERE json_extract(data, '$.site') = 'Seoul HQ' LIMIT 1",
            )
            .fetch_one(&pool)
            .await
            .unwrap()
        })
    };
    let o = run(&["campaign", "preview", &id, "--recipient", &recipient]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("X-Message-Flag: Leave your computer on tonight"),
        "{text}"
    );
    assert!(text.contains("16:30 (KST)"), "Seoul's own 16:30: {text}");

    // Two kills at different points, then a run to the end.
    for delay in [1500, 2500] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patchdesk"))
            .env("PATCHDESK_DATA_DIR", dir.path())
            .args(["campaign", "send", &id])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        child.kill().unwrap(); // SIGKILL, this process only
        child.wait().unwrap();
    }
    let status = json(&run(&["outbox", "status", "--json"]));
    assert!(
        status["sent"].as_i64().unwrap() > 0 && status["sent"].as_i64().unwrap() < total,
        "the kills landed mid-campaign: {status}"
    );
    let started = Instant::now();
    let o = run(&["--json", "campaign", "send", &id]);
    assert!(started.elapsed() < Duration::from_secs(60));
    let done = json(&o);
    assert_eq!(done["sent"].as_i64().unwrap(), total, "{done}");
    assert_eq!(done["failed"], 0);

    // Everybody got the message; anyone who got it twice got the same Message-ID, and
    // only from a row flagged as a possible duplicate (the after-data window).
    let mut by_recipient: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for e in md.emails() {
        let to = e["to"][0]["address"].as_str().unwrap().to_string();
        let mid = e["headers"]["message-id"].as_str().unwrap().to_string();
        by_recipient.entry(to).or_default().push(mid);
    }
    assert_eq!(by_recipient.len() as i64, total, "every recipient got it");
    let twice: Vec<_> = by_recipient.iter().filter(|(_, m)| m.len() > 1).collect();
    let flagged = done["possibleDuplicates"].as_i64().unwrap();
    assert!(
        twice.len() as i64 <= flagged,
        "{} got two messages, {flagged} rows flagged",
        twice.len()
    );
    eprintln!(
        "kill -9 twice: {total} recipients, {flagged} rows retried as possible duplicates, {} delivered twice",
        twice.len()
    );
    for (to, mids) in &twice {
        assert_eq!(mids.len(), 2, "{to}: at most one repeat");
        assert_eq!(
            mids[0], mids[1],
            "{to}: a repeat carries the same Message-ID"
        );
    }
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}
