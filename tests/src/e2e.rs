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
        wd.wait_ready(Duration::from_secs(30));
        let session = wd.new_session(&app);
        App {
            _lock: lock,
            _xvfb: xvfb,
            _driver: driver,
            session,
            data_dir,
        }
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
        let ok = wait(Duration::from_secs(60), || {
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

fn wait(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    false
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
        wait(Duration::from_secs(30), || {
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
    assert!(wait(Duration::from_secs(30), || {
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
