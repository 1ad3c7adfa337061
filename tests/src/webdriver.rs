//! A small W3C WebDriver client: just what the end-to-end tests use.

use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The longest any wait goes on while the app says it is still working.
pub const CEILING: Duration = Duration::from_secs(600);
/// The shortest idle spell after which a state that has not appeared counts as missing:
/// long enough for a starved webview to render what a finished command returned.
const QUIET_MIN: Duration = Duration::from_secs(10);

pub struct WebDriver {
    base: String,
    agent: ureq::Agent,
}

pub struct Session {
    base: String,
    agent: ureq::Agent,
}

#[derive(Clone)]
pub struct Element(String);

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(120)))
        .build()
        .into()
}

fn value(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let resp = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, b) => agent.post(url).send_json(b.unwrap_or_else(|| json!({}))),
    };
    let mut resp = resp.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = resp.status().as_u16();
    let v: Value = resp
        .body_mut()
        .read_json()
        .map_err(|e| format!("{method} {url}: {e}"))?;
    if status >= 400 {
        return Err(format!("{method} {url}: {status} {}", v["value"]));
    }
    Ok(v["value"].clone())
}

impl WebDriver {
    pub fn new(base: &str) -> Self {
        WebDriver {
            base: base.to_string(),
            agent: agent(),
        }
    }

    pub fn wait_ready(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            if value(&self.agent, "GET", &format!("{}/status", self.base), None).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not answer on {}",
                self.base
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn new_session(&self, application: &Path) -> Session {
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "wry",
            "tauri:options": { "application": application }
        }}});
        let v = value(
            &self.agent,
            "POST",
            &format!("{}/session", self.base),
            Some(caps),
        )
        .expect("new WebDriver session");
        let id = v["sessionId"].as_str().expect("session id").to_string();
        Session {
            base: format!("{}/session/{id}", self.base),
            agent: agent(),
        }
    }
}

impl Session {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        value(&self.agent, method, &format!("{}{path}", self.base), body)
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        )
        .map(elements)
        .unwrap_or_default()
    }

    pub fn find_all_in(&self, parent: &Element, css: &str) -> Vec<Element> {
        self.call(
            "POST",
            &format!("/element/{}/elements", parent.0),
            Some(json!({"using": "css selector", "value": css})),
        )
        .map(elements)
        .unwrap_or_default()
    }

    /// Commands the app has in flight, from `<html data-pending>`; `None` while the page
    /// has not loaded its script yet.
    pub fn pending(&self) -> Option<u64> {
        self.execute(
            "return document.documentElement.dataset.pending ?? null;",
            json!([]),
        )
        .ok()
        .and_then(|v| v.as_str().and_then(|n| n.parse().ok()))
    }

    /// Polls `f` until it holds. A state that has not appeared is still coming while the
    /// app reports work in flight (or has not loaded yet), so the wait fails only once the
    /// app has been idle for `quiet` in a row without `f` holding, or at [`CEILING`],
    /// which only a hung app reaches. A cold WebKit start or a busy machine makes the app
    /// slower, not idle.
    pub fn until(&self, quiet: Duration, mut f: impl FnMut() -> bool) -> bool {
        let quiet = quiet.max(QUIET_MIN);
        let start = Instant::now();
        let mut idle_since: Option<Instant> = None;
        loop {
            if f() {
                return true;
            }
            let now = Instant::now();
            if self.pending().is_none_or(|n| n > 0) {
                idle_since = None;
            } else if now - *idle_since.get_or_insert(now) >= quiet {
                return false;
            }
            if now - start >= CEILING {
                return false;
            }
            std::thread::sleep(Duration::from_millis(150));
        }
    }

    /// The first element matching `css`, waiting as [`Session::until`] does.
    pub fn wait_for(&self, css: &str, quiet: Duration) -> Element {
        let mut found = None;
        let ok = self.until(quiet, || {
            found = self.find_all(css).into_iter().next();
            found.is_some()
        });
        assert!(
            ok,
            "no element matches {css}: the app was idle for {:?} without showing it",
            quiet.max(QUIET_MIN)
        );
        found.expect("found")
    }

    /// A click that may fail, e.g. while a closing overlay still covers the element.
    pub fn try_click(&self, e: &Element) -> Result<(), String> {
        self.call("POST", &format!("/element/{}/click", e.0), Some(json!({})))
            .map(|_| ())
    }

    pub fn click(&self, e: &Element) {
        self.call("POST", &format!("/element/{}/click", e.0), Some(json!({})))
            .expect("click");
    }

    pub fn send_keys(&self, e: &Element, text: &str) {
        self.call(
            "POST",
            &format!("/element/{}/value", e.0),
            Some(json!({"text": text})),
        )
        .expect("send keys");
    }

    /// Runs a script in the page; a returned promise is awaited (WebDriver "execute sync").
    pub fn execute(&self, script: &str, args: Value) -> Result<Value, String> {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    pub fn attribute(&self, e: &Element, name: &str) -> Option<String> {
        self.call("GET", &format!("/element/{}/attribute/{name}", e.0), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
    }

    pub fn text(&self, e: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", e.0), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    pub fn screenshot(&self) -> Vec<u8> {
        let v = self.call("GET", "/screenshot", None).expect("screenshot");
        base64_decode(v.as_str().expect("base64 text"))
    }

    pub fn delete(&self) {
        let _ = self.call("DELETE", "", None);
    }
}

fn elements(v: Value) -> Vec<Element> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter_map(val) {
        acc = (acc << 6) | c as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}
