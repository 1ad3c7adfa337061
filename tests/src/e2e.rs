//! End-to-end tests: the real PatchDesk binary under Xvfb, driven through tauri-driver
//! (WebDriver → WebKitWebDriver). Each test gets its own data directory.
//!
//! Needs: the app built (`target/debug/patchdesk-app`, with the UI embedded), `tauri-driver`
//! on PATH or in ~/.cargo/bin, WebKitWebDriver, and Xvfb (started here if DISPLAY is unset).
//! Screenshots of each flow's end state go to `target/e2e/`.

mod webdriver;

use std::os::unix::process::CommandExt;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use webdriver::{Session, WebDriver};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

fn which(name: &str, extra: &[PathBuf]) -> PathBuf {
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain(extra.iter().cloned())
    {
        let p = dir.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("{name} not found on PATH; run scripts/setup.sh");
}

/// Kills its process group when dropped, so a failing test leaves nothing behind
/// (tauri-driver starts WebKitWebDriver, which starts the app).
struct Guard(Child);
impl Drop for Guard {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &group]).status();
        std::thread::sleep(Duration::from_millis(300));
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.wait();
    }
}

// Fields drop in order: the driver (and the app) go before the display and the lock.
struct App {
    session: Session,
    _driver: Guard,
    _xvfb: Option<Guard>,
    pub data_dir: tempfile::TempDir,
    _lock: std::sync::MutexGuard<'static, ()>,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One app at a time: the tests share a 2-core machine and the display.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl App {
    fn start() -> App {
        let app = std::env::var_os("PATCHDESK_APP_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| target_dir().join("debug").join("patchdesk-app"));
        assert!(
            app.is_file(),
            "{} is missing: build the app first (scripts/test.sh does)",
            app.display()
        );
        let lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let data_dir = tempfile::tempdir().unwrap();
        let mut display = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty());
        let xvfb = if display.is_none() {
            let n = (90..200)
                .find(|n| !Path::new(&format!("/tmp/.X{n}-lock")).exists())
                .unwrap();
            let child = Command::new(which("Xvfb", &[]))
                .args([
                    format!(":{n}"),
                    "-screen".into(),
                    "0".into(),
                    "1600x1000x24".into(),
                    "-nolisten".into(),
                    "tcp".into(),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .expect("start Xvfb");
            let deadline = Instant::now() + Duration::from_secs(10);
            while !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() {
                assert!(Instant::now() < deadline, "Xvfb did not start");
                std::thread::sleep(Duration::from_millis(50));
            }
            display = Some(format!(":{n}"));
            Some(Guard(child))
        } else {
            None
        };
        let port = free_port();
        let native = free_port();
        let home_cargo = std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join(".cargo/bin"))
            .into_iter()
            .collect::<Vec<_>>();
        let driver = Command::new(which("tauri-driver", &home_cargo))
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("DISPLAY", display.as_ref().unwrap())
            .env("PATCHDESK_DATA_DIR", data_dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .expect("start tauri-driver");
        let driver = Guard(driver);
        let wd = WebDriver::new(&format!("http://127.0.0.1:{port}"));
        wd.wait_ready(Duration::from_secs(120));
        let session = wd.new_session(&app);
        App {
            _lock: lock,
            _xvfb: xvfb,
            _driver: driver,
            session,
            data_dir,
        }
    }

    /// The app with the demo organisation loaded from the first-run screen.
    fn start_with_demo() -> App {
        let app = App::start();
        let s = &app.session;
        s.click(&s.wait_for("[data-testid=load-demo]", Duration::from_secs(60)));
        app.wait_total("inventory-total", 2000);
        app
    }

    fn screenshot(&self, name: &str) {
        let dir = target_dir().join("e2e");
        std::fs::create_dir_all(&dir).unwrap();
        // Let closing dialogs and notifications finish their transitions first.
        std::thread::sleep(Duration::from_millis(600));
        let png = self.session.screenshot();
        std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
    }

    /// The number a `data-total` attribute holds once it is set.
    fn total(&self, testid: &str) -> Option<u64> {
        self.session
            .find_all(&format!("[data-testid={testid}][data-total]"))
            .first()
            .and_then(|e| self.session.attribute(e, "data-total"))
            .and_then(|v| v.parse().ok())
    }

    fn wait_total(&self, testid: &str, expected: u64) {
        let mut last = None;
        let ok = self.session.until(Duration::from_secs(60), || {
            last = self.total(testid);
            last == Some(expected)
        });
        if !ok {
            self.screenshot(&format!("failed-{testid}"));
            panic!("{testid} shows {last:?}, expected {expected}");
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.session.delete();
    }
}

/// Count computers of a site through the command line, independently of the UI.
fn count_site(data_dir: &Path, site: &str) -> u64 {
    let out = Command::new(target_dir().join("debug").join("patchdesk"))
        .env("PATCHDESK_DATA_DIR", data_dir)
        .args([
            "computers",
            "list",
            "--site",
            site,
            "--limit",
            "1",
            "--json",
        ])
        .output()
        .expect("run patchdesk");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["total"].as_u64().unwrap()
}

#[test]
fn load_demo_then_filter_by_site() {
    let app = App::start();
    let s = &app.session;
    let button = s.wait_for("[data-testid=load-demo]", Duration::from_secs(60));
    s.click(&button);
    app.wait_total("inventory-total", 2000);
    assert!(!s.find_all("[data-testid=computer-row]").is_empty());
    app.screenshot("inventory-demo-2000");

    let berlin = count_site(app.data_dir.path(), "Berlin");
    assert!(berlin > 0 && berlin < 2000);
    let select = s.wait_for("select[data-testid=filter-site]", Duration::from_secs(10));
    let option = s
        .find_all_in(&select, "option")
        .into_iter()
        .find(|o| s.text(o).starts_with("Berlin"))
        .expect("a Berlin option");
    s.click(&option);
    app.wait_total("inventory-total", berlin);
    let names: Vec<String> = s
        .find_all("[data-testid=computer-row]")
        .iter()
        .filter_map(|r| s.attribute(r, "data-name"))
        .collect();
    assert!(!names.is_empty());
    assert!(names.iter().all(|n| n.starts_with("BERLIN-")), "{names:?}");
    app.screenshot("inventory-filtered-berlin");
}

#[test]
fn import_csv_with_rejections() {
    let app = App::start();
    let s = &app.session;
    let csv = app.data_dir.path().join("five-rows.csv");
    std::fs::write(
        &csv,
        "name,site,time_zone,role,os_name,os_version,owner_name,owner_email,client_policy\n\
         E2E-PC-001,Seoul,Asia/Seoul,workstation,Windows 11 Enterprise,10.0.26100,Kim Min-jun,minjun.kim@contoso.example,auto_download_scheduled\n\
         E2E-PC-002,Seoul,Asia/Seoul,workstation,Windows 11 Enterprise,10.0.26100,Lee Seo-yeon,not-an-address,auto_download_scheduled\n\
         E2E-PC-003,Berlin,Europe/Berlin,server,Windows Server 2022 Datacenter,10.0.20348,IT Operations,it-ops@contoso.example,notify_download\n\
         E2E-PC-004,Atlantis,Ocean/Atlantis,workstation,Windows 10 Enterprise,10.0.19045,Ann Smith,ann.smith@contoso.example,configmgr_advertised\n\
         E2E-PC-005,Berlin,Europe/Berlin,workstation,Windows 10 Enterprise,10.0.19045,Lukas Weber,lukas.weber@contoso.example,configmgr_advertised\n",
    )
    .unwrap();
    let open = s.wait_for(
        "[data-testid=welcome-import], [data-testid=open-import]",
        Duration::from_secs(60),
    );
    s.click(&open);
    let path = s.wait_for("input[data-testid=import-path]", Duration::from_secs(10));
    s.send_keys(&path, csv.to_str().unwrap());
    s.click(&s.wait_for("[data-testid=import-check]", Duration::from_secs(5)));
    let report = s.wait_for("[data-testid=import-report]", Duration::from_secs(30));
    assert_eq!(s.attribute(&report, "data-rows-read").as_deref(), Some("5"));
    assert_eq!(s.attribute(&report, "data-accepted").as_deref(), Some("3"));
    assert_eq!(s.attribute(&report, "data-rejected").as_deref(), Some("2"));
    let lines: Vec<String> = s
        .find_all("[data-testid=rejection-row]")
        .iter()
        .filter_map(|r| s.attribute(r, "data-line"))
        .collect();
    assert_eq!(lines, vec!["3", "5"]);
    let texts: Vec<String> = s
        .find_all("[data-testid=rejection-row]")
        .iter()
        .map(|r| s.text(r))
        .collect();
    assert!(texts[0].contains("not-an-address"), "{texts:?}");
    assert!(texts[1].contains("Ocean/Atlantis"), "{texts:?}");
    app.screenshot("import-report");

    s.click(&s.wait_for("[data-testid=import-commit]", Duration::from_secs(5)));
    assert!(
        s.until(Duration::from_secs(30), || {
            s.find_all("[data-testid=import-report][data-applied=true]")
                .len()
                == 1
        }),
        "the import was not applied"
    );
    s.click(&s.wait_for("[data-testid=import-close]", Duration::from_secs(5)));
    app.wait_total("inventory-total", 3);
    let mut names: Vec<String> = s
        .find_all("[data-testid=computer-row]")
        .iter()
        .filter_map(|r| s.attribute(r, "data-name"))
        .collect();
    names.sort();
    assert_eq!(names, vec!["E2E-PC-001", "E2E-PC-003", "E2E-PC-005"]);
    app.screenshot("inventory-after-import");
}

#[test]
fn import_updates_into_the_catalogue() {
    let app = App::start();
    let s = &app.session;
    let csv = app.data_dir.path().join("updates.csv");
    std::fs::write(
        &csv,
        "KB Article,Bulletin,Title,Classification,Severity,Product,Released,Restart Required,Uninstallable\n\
         936021,MS07-042,Security Update for Microsoft XML Core Services 3.0 (KB936021),Security Updates,Critical,MSXML,2007-08-14,no,yes\n\
         KB12x,,Not a KB number,Updates,Low,Windows,2026-01-01,no,no\n\
         KB5064067,,2026-11 Cumulative Update for Windows 11 Version 24H2 (KB5064067),Security Updates,Critical,Windows 11,2026-11-10,yes,yes\n",
    )
    .unwrap();
    s.click(&s.wait_for("[data-testid=nav-updates]", Duration::from_secs(60)));
    s.click(&s.wait_for("[data-testid=open-import-updates]", Duration::from_secs(10)));
    let path = s.wait_for("input[data-testid=import-path]", Duration::from_secs(10));
    s.send_keys(&path, csv.to_str().unwrap());
    s.click(&s.wait_for("[data-testid=import-check]", Duration::from_secs(5)));
    let report = s.wait_for("[data-testid=import-report]", Duration::from_secs(30));
    assert_eq!(s.attribute(&report, "data-accepted").as_deref(), Some("2"));
    let lines: Vec<String> = s
        .find_all("[data-testid=rejection-row]")
        .iter()
        .filter_map(|r| s.attribute(r, "data-line"))
        .collect();
    assert_eq!(lines, vec!["3"]);
    s.click(&s.wait_for("[data-testid=import-commit]", Duration::from_secs(5)));
    assert!(s.until(Duration::from_secs(30), || {
        s.find_all("[data-testid=import-report][data-applied=true]")
            .len()
            == 1
    }));
    s.click(&s.wait_for("[data-testid=import-close]", Duration::from_secs(5)));
    app.wait_total("updates-total", 2);
    let kbs: Vec<String> = s
        .find_all("[data-testid=update-row]")
        .iter()
        .filter_map(|r| s.attribute(r, "data-kb"))
        .collect();
    assert_eq!(kbs, vec!["KB5064067", "KB936021"], "newest first");
    app.screenshot("updates-after-import");
}

/// Picks the option with this value in a native select (the last one on the page when
/// several match, i.e. the newest builder row).
fn select_value(app: &App, css: &str, value: &str) {
    let s = &app.session;
    let selects = s.find_all(css);
    let select = selects.last().unwrap_or_else(|| panic!("no {css}"));
    let option = s
        .find_all_in(select, "option")
        .into_iter()
        .find(|o| s.attribute(o, "value").as_deref() == Some(value))
        .unwrap_or_else(|| panic!("{css} has no option {value}"));
    s.click(&option);
}

fn add_condition(app: &App, field: &str, op: &str) {
    let s = &app.session;
    let before = s.find_all("[data-testid=builder-row]").len();
    s.click(&s.wait_for("[data-testid=builder-add]", Duration::from_secs(10)));
    assert!(s.until(Duration::from_secs(10), || s
        .find_all("[data-testid=builder-row]")
        .len()
        == before + 1));
    select_value(
        app,
        "[data-testid=builder-row] select[data-testid=builder-field]",
        field,
    );
    select_value(
        app,
        "[data-testid=builder-row] select[data-testid=builder-op]",
        op,
    );
}

/// The live count once no newer request is pending.
fn settled_preview(app: &App) -> u64 {
    let s = &app.session;
    let mut last = None;
    let mut stable = 0;
    let ok = s.until(Duration::from_secs(30), || {
        let now = s
            .find_all("[data-testid=preview-count][data-count]:not([data-pending=true])")
            .first()
            .and_then(|e| s.attribute(e, "data-count"))
            .and_then(|v| v.parse::<u64>().ok());
        stable = if now.is_some() && now == last {
            stable + 1
        } else {
            0
        };
        last = now;
        stable >= 4
    });
    assert!(ok, "the live count did not settle: {last:?}");
    last.unwrap()
}

#[test]
fn build_a_collection_by_pointing_and_clicking_and_refuse_a_cycle() {
    let app = App::start_with_demo();
    let s = &app.session;

    s.click(&s.wait_for("[data-testid=nav-collections]", Duration::from_secs(10)));
    s.wait_for(
        "[data-testid=collection-row][data-name='All computers']",
        Duration::from_secs(30),
    );
    s.click(&s.wait_for("[data-testid=collection-new]", Duration::from_secs(10)));
    let name = "Seoul workstations on an old OS";
    s.send_keys(
        &s.wait_for("[data-testid=collection-name]", Duration::from_secs(10)),
        name,
    );

    add_condition(&app, "site", "=");
    let value = s
        .find_all("[data-testid=builder-value]")
        .pop()
        .expect("a value input");
    s.send_keys(&value, "Seoul HQ");
    let seoul = settled_preview(&app);
    add_condition(&app, "role", "=");
    select_value(
        &app,
        "[data-testid=builder-row] select[data-testid=builder-value]",
        "workstation",
    );
    add_condition(&app, "os_version", "<");
    let value = s
        .find_all("[data-testid=builder-value]")
        .pop()
        .expect("a value input");
    s.send_keys(&value, "10.0.19045");
    let live = settled_preview(&app);
    assert!(live > 0 && live < seoul, "live count {live}, Seoul {seoul}");
    // The builder wrote the text form.
    s.click(&s.wait_for("[data-testid=query-mode-text]", Duration::from_secs(10)));
    let text = s
        .attribute(
            &s.wait_for("[data-testid=query-text]", Duration::from_secs(10)),
            "value",
        )
        .unwrap_or_default();
    assert_eq!(
        text,
        "site = 'Seoul HQ' and role = workstation and os_version < 10.0.19045"
    );
    app.screenshot("collection-editor");

    s.click(&s.wait_for("[data-testid=collection-save]", Duration::from_secs(10)));
    let detail = s.wait_for(
        &format!("[data-testid=collection-detail][data-name='{name}']"),
        Duration::from_secs(30),
    );
    let mut members = None;
    assert!(
        s.until(Duration::from_secs(30), || {
            members = s
                .attribute(&detail, "data-members")
                .and_then(|v| v.parse::<u64>().ok());
            members == Some(live)
        }),
        "saved collection holds {members:?}, the live count said {live}"
    );
    s.click(&s.wait_for("[data-testid=tab-members]", Duration::from_secs(10)));
    app.wait_total("inventory-total", live);
    let names: Vec<String> = s
        .find_all("[data-testid=computer-row]")
        .iter()
        .filter_map(|r| s.attribute(r, "data-name"))
        .collect();
    assert!(
        !names.is_empty() && names.iter().all(|n| n.starts_with("SEOUL-")),
        "{names:?}"
    );
    app.screenshot("collection-members");

    // A second collection includes the first; making the first exclude it is a cycle.
    s.click(&s.wait_for("[data-testid=collection-back]", Duration::from_secs(10)));
    s.wait_for(
        &format!("[data-testid=collection-row][data-name='{name}'][data-members='{live}']"),
        Duration::from_secs(20),
    );
    app.screenshot("collection-list");
    s.click(&s.wait_for("[data-testid=collection-new]", Duration::from_secs(10)));
    s.send_keys(
        &s.wait_for("[data-testid=collection-name]", Duration::from_secs(10)),
        "Wrapper",
    );
    s.click(&s.wait_for(
        &format!("[data-testid=include-option][data-name='{name}']"),
        Duration::from_secs(10),
    ));
    s.click(&s.wait_for("[data-testid=collection-save]", Duration::from_secs(10)));
    s.wait_for(
        "[data-testid=collection-detail][data-name='Wrapper']",
        Duration::from_secs(30),
    );
    s.click(&s.wait_for("[data-testid=collection-back]", Duration::from_secs(10)));
    // The row's name link (WebKit's driver does not click table rows themselves).
    s.click(&s.wait_for(
        &format!("[data-testid=collection-row][data-name='{name}'] a"),
        Duration::from_secs(10),
    ));
    s.click(&s.wait_for("[data-testid=collection-edit]", Duration::from_secs(10)));
    s.click(&s.wait_for(
        "[data-testid=exclude-option][data-name='Wrapper']",
        Duration::from_secs(10),
    ));
    s.click(&s.wait_for("[data-testid=collection-save]", Duration::from_secs(10)));
    let error = s.wait_for(
        "[data-testid=collection-save-error]",
        Duration::from_secs(20),
    );
    let message = s.text(&error);
    assert!(
        message.contains(&format!("{name} → Wrapper → {name}")),
        "{message}"
    );
    app.screenshot("collection-cycle-refused");
}

/// A Patch Tuesday release for December: three rings on the calendar in December, and a
/// warning that the broad ring runs into the demo's year-end change freeze.
#[test]
fn plan_a_release_from_the_patch_tuesday_template_and_see_it_on_the_calendar() {
    let app = App::start_with_demo();
    let s = &app.session;

    s.click(&s.wait_for("[data-testid=nav-releases]", Duration::from_secs(10)));
    // The demo's own releases are listed.
    s.wait_for("[data-testid=release-row]", Duration::from_secs(30));
    s.click(&s.wait_for(
        "[data-testid=release-from-template]",
        Duration::from_secs(10),
    ));
    let month = s.wait_for(
        "select[data-testid=template-month]",
        Duration::from_secs(10),
    );
    // The months offered start with this one: December of this year is among them.
    let first = s
        .find_all_in(&month, "option")
        .first()
        .and_then(|o| s.attribute(o, "value"))
        .expect("a month");
    let year = &first[..4];
    let december = format!("{year}-12");
    select_value(&app, "select[data-testid=template-month]", &december);
    s.click(&s.wait_for("[data-testid=template-create]", Duration::from_secs(10)));

    let title = format!("Patch Tuesday — December {year}");
    let view = s.wait_for(
        &format!("[data-testid=release-view][data-title='{title}']"),
        Duration::from_secs(30),
    );
    assert!(s.attribute(&view, "data-title").is_some());
    let phases: Vec<String> = s
        .find_all("[data-testid=phase]")
        .iter()
        .filter_map(|p| s.attribute(p, "data-name"))
        .collect();
    assert_eq!(phases, ["Pilot", "Early", "Broad"]);
    let warning = s.wait_for(
        "[data-testid=conflict][data-kind=blackout][data-phase=Broad]",
        Duration::from_secs(10),
    );
    assert!(
        s.text(&warning).contains("Year-end change freeze"),
        "{}",
        s.text(&warning)
    );
    app.screenshot("release-from-template");

    s.click(&s.wait_for("[data-testid=nav-calendar]", Duration::from_secs(10)));
    s.wait_for("[data-testid=cal-month]", Duration::from_secs(30));
    for _ in 0..13 {
        let shown = s
            .find_all("[data-testid=cal-title]")
            .first()
            .and_then(|t| s.attribute(t, "data-month"));
        if shown.as_deref() == Some(december.as_str()) {
            break;
        }
        s.click(&s.wait_for("[data-testid=cal-next]", Duration::from_secs(10)));
        // One month per click: wait until the title has moved on before looking again.
        let moved = s.until(Duration::from_secs(10), || {
            s.find_all("[data-testid=cal-title]")
                .first()
                .and_then(|t| s.attribute(t, "data-month"))
                != shown
        });
        assert!(moved, "the calendar did not move past {shown:?}");
    }
    for ring in ["Pilot", "Early", "Broad"] {
        let css = format!(
            ".cal-day[data-day^='{december}'] [data-testid=cal-phase][data-title='{title} · {ring}']"
        );
        let found = s.until(Duration::from_secs(30), || !s.find_all(&css).is_empty());
        if !found {
            app.screenshot("failed-calendar");
        }
        assert!(found, "{ring} is on the December calendar");
    }
    let broad = s.find_all(&format!(
        "[data-testid=cal-phase][data-title='{title} · Broad'][data-conflict=true]"
    ));
    assert!(!broad.is_empty(), "the broad ring is marked as in conflict");
    assert!(!s.find_all("[data-testid=cal-blackout]").is_empty());
    app.screenshot("calendar-december");
}

/// The requester submits; they cannot approve (the button is disabled and the command is
/// refused); two approvers approve; the release is scheduled; the audit chain verifies.
#[test]
fn two_approvers_schedule_a_release_its_requester_cannot_approve() {
    let app = App::start_with_demo();
    let s = &app.session;
    s.click(&s.wait_for("[data-testid=nav-releases]", Duration::from_secs(10)));
    s.click(&s.wait_for(
        "[data-testid=release-from-template]",
        Duration::from_secs(30),
    ));
    let month = s.wait_for(
        "select[data-testid=template-month]",
        Duration::from_secs(10),
    );
    let first = s
        .find_all_in(&month, "option")
        .first()
        .and_then(|o| s.attribute(o, "value"))
        .expect("a month");
    select_value(
        &app,
        "select[data-testid=template-month]",
        &format!("{}-12", &first[..4]),
    );
    s.click(&s.wait_for("[data-testid=template-create]", Duration::from_secs(10)));
    let view = s.wait_for("[data-testid=release-view]", Duration::from_secs(30));
    let id: i64 = s.attribute(&view, "data-id").unwrap().parse().unwrap();

    let state = |want: &str| {
        let css =
            format!("[data-testid=approval-panel] [data-testid=release-state][data-state={want}]");
        let ok = s.until(Duration::from_secs(30), || !s.find_all(&css).is_empty());
        if !ok {
            app.screenshot(&format!("failed-state-{want}"));
        }
        assert!(ok, "the release does not become {want}");
    };
    s.click(&s.wait_for("[data-testid=step-submit]", Duration::from_secs(30)));
    state("submitted");
    // The operator requested it: the button is disabled…
    let approve = s.wait_for("[data-testid=decide-approve]", Duration::from_secs(10));
    assert!(
        s.attribute(&approve, "disabled").is_some(),
        "the requester's approve button is disabled"
    );
    // …and the command itself is refused by the core.
    let answer = s
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('release_decide', \
             {id: arguments[0], decision: 'approve', comment: ''}) \
             .then(() => 'accepted', (e) => JSON.stringify(e));",
            serde_json::json!([id]),
        )
        .expect("execute");
    let answer = answer.as_str().unwrap_or_default().to_string();
    assert!(
        answer.contains("never approves their own change"),
        "{answer}"
    );

    for (who, after) in [("Anna Schmidt", "submitted"), ("James Miller", "scheduled")] {
        let select = s.wait_for(
            "select[data-testid=operator-select]",
            Duration::from_secs(10),
        );
        let option = s
            .find_all_in(&select, "option")
            .into_iter()
            .find(|o| s.text(o) == who)
            .unwrap_or_else(|| panic!("{who} is in the directory"));
        // A notification may still be sliding over the header.
        assert!(
            s.until(Duration::from_secs(10), || s.try_click(&option).is_ok()),
            "could not pick {who}"
        );
        let css = format!("[data-testid=operator-select][data-operator='{who}']");
        assert!(s.until(Duration::from_secs(10), || !s.find_all(&css).is_empty()));
        let button = s.wait_for(
            "[data-testid=decide-approve]:not([disabled])",
            Duration::from_secs(30),
        );
        s.click(&button);
        s.click(&s.wait_for("[data-testid=decision-confirm]", Duration::from_secs(10)));
        state(after);
    }
    let count = s.wait_for("[data-testid=approval-count]", Duration::from_secs(10));
    assert_eq!(s.attribute(&count, "data-approved").as_deref(), Some("2"));
    app.screenshot("release-scheduled");

    s.click(&s.wait_for("[data-testid=nav-approvals]", Duration::from_secs(10)));
    s.click(&s.wait_for("[data-testid=tab-audit]", Duration::from_secs(30)));
    s.wait_for("[data-testid=audit-row]", Duration::from_secs(30));
    // Each switch of "Acting as" is on the trail, labelled advisory.
    let switches = s.until(Duration::from_secs(20), || {
        s.find_all("[data-testid=audit-row]")
            .iter()
            .filter(|r| s.text(r).contains("Switched who acts (advisory)"))
            .count()
            >= 2
    });
    assert!(switches, "both switches of 'Acting as' are on the trail");
    s.click(&s.wait_for("[data-testid=audit-verify]", Duration::from_secs(10)));
    s.wait_for("[data-testid=audit-verified]", Duration::from_secs(30));
    app.screenshot("audit-verified");
}

/// Picks the first recipient the preview's search finds for `search` and returns the
/// preview's plain text once it shows that recipient's site.
fn preview_for(app: &App, search: &str, zone: &str) -> String {
    let s = &app.session;
    let input = s.wait_for(
        "input[data-testid=preview-recipient]",
        Duration::from_secs(20),
    );
    s.click(&input);
    s.execute(
        "document.querySelector('input[data-testid=preview-recipient]').select(); return true;",
        serde_json::json!([]),
    )
    .unwrap();
    s.send_keys(&input, search);
    let option = s.until(Duration::from_secs(20), || {
        s.find_all("[data-combobox-option]")
            .iter()
            .any(|o| s.text(o).contains('@'))
    });
    assert!(option, "the recipient search for {search} found someone");
    std::thread::sleep(Duration::from_millis(400));
    let first = s
        .find_all("[data-combobox-option]")
        .into_iter()
        .next()
        .unwrap();
    s.click(&first);
    let shown = s.until(Duration::from_secs(20), || {
        s.find_all("[data-testid=preview-site]")
            .first()
            .is_some_and(|e| s.text(e).contains(zone))
    });
    assert!(shown, "the preview shows a recipient in {zone}");
    s.click(&s.wait_for("[data-testid=preview-tab-text]", Duration::from_secs(10)));
    let text = s.wait_for("[data-testid=preview-text]", Duration::from_secs(10));
    s.execute(
        "document.querySelector('[data-testid=preview-headers]').scrollIntoView({block: 'start'}); return true;",
        serde_json::json!([]),
    )
    .unwrap();
    s.text(&text)
}

/// The "leave your computer on overnight" campaign for the demo's broad ring: each
/// recipient's reminder is at their own site's 16:30; sent to the outbox folder, the
/// delivery log completes.
#[test]
fn compose_preview_and_send_the_overnight_campaign_to_the_outbox() {
    let app = App::start_with_demo();
    let s = &app.session;

    s.click(&s.wait_for("[data-testid=nav-notifications]", Duration::from_secs(10)));
    s.click(&s.wait_for("[data-testid=campaign-new]", Duration::from_secs(20)));
    s.wait_for(
        "select[data-testid=campaign-release] option[value='3']",
        Duration::from_secs(20),
    );
    // The demo's next cycle: scheduled, all its nights ahead.
    select_value(&app, "select[data-testid=campaign-release]", "3");
    s.wait_for(
        "select[data-testid=campaign-phase] option[value='3']",
        Duration::from_secs(20),
    );
    select_value(&app, "select[data-testid=campaign-phase]", "3");
    select_value(&app, "select[data-testid=campaign-kind]", "overnight");
    s.wait_for(
        "[data-testid=campaign-reminder-time]",
        Duration::from_secs(10),
    );
    let shown_time = s
        .execute(
            "return document.querySelector('[data-testid=campaign-reminder-time]').value;",
            serde_json::json!([]),
        )
        .unwrap();
    assert_eq!(
        shown_time, "16:30",
        "the overnight reminder defaults to 16:30"
    );
    app.screenshot("campaign-compose");
    // The button sits under the "demo loaded" toast: close the toasts first.
    for close in s.find_all(".mantine-Notification-closeButton") {
        let _ = s.try_click(&close);
    }
    assert!(
        s.until(Duration::from_secs(10), || s
            .find_all(".mantine-Notification-root")
            .is_empty()),
        "the toasts closed"
    );
    s.click(&s.wait_for("[data-testid=campaign-create]", Duration::from_secs(10)));
    s.wait_for(
        "[data-testid=campaign-state][data-state=draft]",
        Duration::from_secs(30),
    );

    let seoul = preview_for(&app, "Seoul HQ", "Asia/Seoul");
    assert!(seoul.contains("16:30 (KST)"), "Seoul's own 16:30: {seoul}");
    app.screenshot("campaign-preview-seoul");
    let new_york = preview_for(&app, "New York", "America/New_York");
    assert!(
        new_york.contains("16:30 (EST)"),
        "New York's own 16:30: {new_york}"
    );
    app.screenshot("campaign-preview-new-york");
    // The HTML is shown only in a frame that may run nothing.
    s.execute(
        "document.querySelector('[data-testid=preview-tab-html]').click(); return true;",
        serde_json::json!([]),
    )
    .unwrap();
    let frame = s.wait_for("iframe[data-testid=preview-frame]", Duration::from_secs(10));
    assert_eq!(s.attribute(&frame, "sandbox").as_deref(), Some(""));
    app.screenshot("campaign-preview-html");

    s.click(&s.wait_for("[data-testid=campaign-send]", Duration::from_secs(10)));
    let completed = s.until(Duration::from_secs(120), || {
        !s.find_all("[data-testid=campaign-state][data-state=completed]")
            .is_empty()
    });
    if !completed {
        app.screenshot("failed-campaign");
    }
    assert!(completed, "the campaign completes");
    let sent: u64 = s
        .attribute(
            &s.wait_for("[data-testid=count-sent]", Duration::from_secs(10)),
            "data-value",
        )
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(sent > 1000, "{sent} sent");
    let files = std::fs::read_dir(app.data_dir.path().join("outbox"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "eml"))
        })
        .count() as u64;
    assert_eq!(
        files, sent,
        "one .eml file per message in the outbox folder"
    );
    s.click(&s.wait_for("[data-testid=tab-delivery-log]", Duration::from_secs(10)));
    s.wait_for(
        "[data-testid=delivery-row][data-state=sent]",
        Duration::from_secs(20),
    );
    assert!(s
        .find_all("[data-testid=delivery-row]")
        .iter()
        .all(|r| s.attribute(r, "data-state").as_deref() == Some("sent")));
    app.screenshot("campaign-delivery-log");
}
