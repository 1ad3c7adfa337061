//! Real SMTP servers on 127.0.0.1 for the mail tests: maildev (npm) and a scripted
//! aiosmtpd server (tests/smtp/scripted_smtpd.py). `scripts/setup.sh` installs both.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// maildev 3, started on free ports; killed when dropped.
pub struct MailDev {
    child: Child,
    pub smtp_port: u16,
    pub web_port: u16,
    _dir: tempfile::TempDir,
}

impl MailDev {
    pub fn start() -> MailDev {
        Self::start_on(free_port())
    }

    pub fn start_on(smtp_port: u16) -> MailDev {
        Self::start_with(smtp_port, None)
    }

    /// maildev that asks for this user name and password.
    pub fn start_with_login(user: &str, password: &str) -> MailDev {
        Self::start_with(free_port(), Some((user, password)))
    }

    fn start_with(smtp_port: u16, login: Option<(&str, &str)>) -> MailDev {
        let bin = workspace().join("tests/smtp/node_modules/.bin/maildev");
        assert!(
            bin.exists(),
            "maildev is not installed at {}: run scripts/setup.sh",
            bin.display()
        );
        let dir = tempfile::tempdir().unwrap();
        let web_port = free_port();
        let mut cmd = Command::new(bin);
        cmd.args(["--ip", "127.0.0.1", "--web-ip", "127.0.0.1", "-s"])
            .arg(smtp_port.to_string())
            .arg("-w")
            .arg(web_port.to_string())
            .arg("--mail-directory")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some((user, password)) = login {
            cmd.args(["--incoming-user", user, "--incoming-pass", password]);
        }
        let child = cmd.spawn().expect("starting maildev");
        let md = MailDev {
            child,
            smtp_port,
            web_port,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&md.url("/api/healthz")).call().is_err() {
            assert!(Instant::now() < deadline, "maildev did not become ready");
            std::thread::sleep(Duration::from_millis(100));
        }
        wait_for_port(smtp_port, "maildev's SMTP server");
        md
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.web_port)
    }

    /// Every message received: (id, envelope recipients, the `To` header's addresses).
    pub fn emails(&self) -> Vec<serde_json::Value> {
        ureq::get(&self.url("/api/email"))
            .call()
            .unwrap()
            .body_mut()
            .with_config()
            .limit(1 << 30)
            .read_json()
            .unwrap()
    }

    /// The raw source of one message.
    pub fn source(&self, id: &str) -> String {
        ureq::get(&self.url(&format!("/api/email/{id}/source")))
            .call()
            .unwrap()
            .body_mut()
            .with_config()
            .limit(1 << 26)
            .read_to_string()
            .unwrap()
    }
}

impl Drop for MailDev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scripted aiosmtpd server (550 for reject*, 450-once for later*), STARTTLS
/// required when given a certificate.
pub struct Scripted {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

impl Scripted {
    pub fn start(tls: Option<(&Path, &Path)>) -> Scripted {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(workspace().join("tests/smtp/scripted_smtpd.py"))
            .arg("--port")
            .arg(port.to_string())
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some((cert, key)) = tls {
            cmd.arg("--tls-cert").arg(cert).arg("--tls-key").arg(key);
        }
        let child = cmd
            .spawn()
            .expect("starting the scripted SMTP server (python3-aiosmtpd)");
        wait_for_port(port, "the scripted SMTP server");
        Scripted { child, port, dir }
    }

    /// (recipients, Message-ID) of every accepted message.
    pub fn log(&self) -> Vec<(Vec<String>, String)> {
        let text = std::fs::read_to_string(self.dir.path().join("log.jsonl")).unwrap_or_default();
        text.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["rcpt"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|r| r.as_str().unwrap().to_string())
                        .collect(),
                    v["message_id"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A test certificate authority and a leaf for 127.0.0.1 signed by it (rustls refuses a
/// self-signed certificate used directly). Returns (ca.pem, leaf.crt, leaf.key).
pub fn test_ca(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let run = |args: &[&str]| {
        let st = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("running openssl");
        assert!(st.success(), "openssl {args:?} failed");
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=PatchDesk Test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "leaf.key",
        "-out",
        "leaf.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "leaf.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "leaf.crt",
        "-days",
        "2",
        "-extfile",
        "leaf.ext",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("leaf.crt"),
        dir.join("leaf.key"),
    )
}
