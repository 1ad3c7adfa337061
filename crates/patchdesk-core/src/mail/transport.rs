//! The `Mailer` port: an SMTP server through lettre (pooled, TLS as configured), or a
//! folder of .eml files when no server is set.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, MailBodyParameter, MailParameter};
use lettre::Message;

use super::settings::{MailSettings, Secrets, SmtpSecurity, SmtpSettings};
use crate::{Error, Result};

/// What became of one message.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Sent,
    /// 4xx: try again later.
    Temporary(String),
    /// 5xx: the server will not take it; the server's text.
    Permanent(String),
    /// The connection broke after it was open: the server may have taken the message.
    Unknown(String),
    /// No connection could be made: nothing was sent.
    Unreachable(String),
    /// Not tried (sending stopped, or the campaign was paused or cancelled): the row goes
    /// back as it was.
    NotSent,
    /// The server cannot be used as configured, and waiting will not change that (it
    /// does not offer STARTTLS, which the settings require): sending stops at once with
    /// this reason, nothing is sent in clear, and the rows go back as they were.
    Refused(String),
}

pub enum Mailer {
    Smtp(Box<SmtpClient>),
    Folder(PathBuf),
}

impl Mailer {
    /// The mailer the settings describe; the password comes from the credential store.
    pub fn from_settings(settings: &MailSettings, data_dir: &Path) -> Result<Mailer> {
        match &settings.smtp {
            None => Ok(Mailer::Folder(outbox_dir(settings, data_dir))),
            Some(smtp) => {
                let password = Secrets::smtp_password(smtp)?;
                Ok(Mailer::Smtp(Box::new(SmtpClient::new(smtp, password)?)))
            }
        }
    }

    /// Where messages go, in words.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(c) => c.label.clone(),
            Mailer::Folder(dir) => format!("the outbox folder {}", dir.display()),
        }
    }

    /// Messages sent at once: one per pooled connection.
    pub fn parallel(&self) -> usize {
        match self {
            Mailer::Smtp(c) => c.settings.pool_size as usize,
            Mailer::Folder(_) => 4,
        }
    }

    pub async fn send(&self, message: &Message) -> Outcome {
        match self {
            Mailer::Folder(dir) => write_eml(dir, message),
            Mailer::Smtp(c) => c.send(message).await,
        }
    }

    /// Opens a connection (and TLS and login) without sending; the error says in plain
    /// words what went wrong.
    pub async fn check(&self) -> Result<String> {
        match self {
            Mailer::Folder(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
                Ok(format!(
                    "No SMTP server is set: messages are written to {}",
                    dir.display()
                ))
            }
            Mailer::Smtp(c) => match c.open().await {
                Ok(mut conn) => {
                    let encrypted = conn.is_encrypted();
                    let _ = tokio::time::timeout(ABORT_WAIT, conn.quit()).await;
                    Ok(format!(
                        "Connected to {}{}",
                        c.label,
                        if encrypted { ", encrypted" } else { "" }
                    ))
                }
                Err(e) => Err(Error::Conflict(e.explain(&c.label))),
            },
        }
    }
}

/// Why a connection could not be opened.
pub enum OpenError {
    Io(std::io::Error),
    Smtp(lettre::transport::smtp::Error),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Io(e) => write!(f, "{e}"),
            OpenError::Smtp(e) => write!(f, "{}", chain(e)),
        }
    }
}

impl OpenError {
    /// STARTTLS is required but the server does not offer it: no wait will help.
    fn starttls_missing(&self) -> bool {
        matches!(self, OpenError::Smtp(e)
            if chain(e).to_lowercase().contains("starttls is not supported"))
    }

    /// A connection check's failure in the words an administrator needs.
    fn explain(&self, label: &str) -> String {
        let detail = self.to_string();
        let lower = detail.to_lowercase();
        let hint = match self {
            OpenError::Io(e) if e.kind() == std::io::ErrorKind::TimedOut => {
                "the server did not answer in time: a firewall may be dropping the connection"
            }
            OpenError::Io(_) => {
                "nothing answers there: check the server name and port, and that the server runs"
            }
            OpenError::Smtp(e) => {
                if lower.contains("certificate") || lower.contains("unknownissuer") {
                    "the server's certificate is not trusted: it may be self-signed or from your organisation's own authority (add it as an extra certificate authority), or the server name does not match the certificate"
                } else if lower.contains("starttls") {
                    "the server does not offer STARTTLS on this port (port 465 usually needs TLS, 587 STARTTLS)"
                } else if e.is_tls() || lower.contains("tls") || lower.contains("handshake") {
                    "the TLS handshake failed: the server may not speak TLS on this port (587 usually needs STARTTLS, 465 TLS)"
                } else if lower.contains("535") || lower.contains("authentication") {
                    "the server refused the user name or password"
                } else if e.is_timeout() {
                    "the server did not answer in time"
                } else {
                    "the server refused the connection"
                }
            }
        };
        format!("Could not connect to {label}: {hint}. ({detail})")
    }
}

/// SMTP with our own small pool: connections are kept open and reused, Nagle is off
/// (lettre writes the final "." apart from the body, which otherwise waits for a
/// delayed ACK: about 40 ms a message), and each failure is known to have happened
/// before the message data was sent (nothing delivered) or after (maybe delivered).
pub struct SmtpClient {
    settings: SmtpSettings,
    tls: Option<TlsParameters>,
    credentials: Option<Credentials>,
    hello: ClientId,
    idle: std::sync::Mutex<Vec<AsyncSmtpConnection>>,
    label: String,
}

impl SmtpClient {
    fn new(s: &SmtpSettings, password: Option<String>) -> Result<SmtpClient> {
        let tls = match s.security {
            SmtpSecurity::Plain => None,
            _ => {
                let mut b = TlsParameters::builder(s.host.clone());
                if let Some(file) = &s.extra_ca_file {
                    let pem = std::fs::read(file).map_err(|e| {
                        Error::io(format!("reading the certificate authority {file}"), e)
                    })?;
                    let cert = Certificate::from_pem(&pem).map_err(|e| {
                        Error::invalid(format!("{file} is not a PEM certificate: {e}"))
                    })?;
                    b = b.add_root_certificate(cert);
                }
                Some(
                    b.build()
                        .map_err(|e| Error::invalid(format!("TLS settings for {}: {e}", s.host)))?,
                )
            }
        };
        let credentials = match &s.username {
            Some(user) => Some(Credentials::new(
                user.clone(),
                password.ok_or_else(|| {
                    Error::invalid(format!(
                        "the SMTP server needs a password for {user}; set it in Settings › Mail"
                    ))
                })?,
            )),
            None => None,
        };
        let security = match s.security {
            SmtpSecurity::Starttls => "STARTTLS",
            SmtpSecurity::Tls => "TLS",
            SmtpSecurity::Plain => "no encryption",
        };
        Ok(SmtpClient {
            settings: s.clone(),
            tls,
            credentials,
            hello: ClientId::default(),
            idle: std::sync::Mutex::new(Vec::new()),
            label: format!("{}:{} ({security})", s.host, s.port),
        })
    }

    fn timeout(&self) -> Duration {
        Duration::from_secs(self.settings.timeout_secs.into())
    }

    async fn open(&self) -> std::result::Result<AsyncSmtpConnection, OpenError> {
        let addr = (self.settings.host.as_str(), self.settings.port);
        let mut conn = match (self.settings.security, &self.tls) {
            // The TLS handshake and the greeting have no timeout of lettre's own.
            (SmtpSecurity::Tls, Some(tls)) => {
                timed(
                    self.timeout(),
                    AsyncSmtpConnection::connect_tokio1(
                        addr,
                        Some(self.timeout()),
                        &self.hello,
                        Some(tls.clone()),
                        None,
                    ),
                )
                .await?
            }
            _ => {
                let tcp =
                    tokio::time::timeout(self.timeout(), tokio::net::TcpStream::connect(addr))
                        .await
                        .map_err(|_| OpenError::Io(std::io::ErrorKind::TimedOut.into()))?
                        .map_err(OpenError::Io)?;
                let _ = tcp.set_nodelay(true);
                let mut c = timed(
                    self.timeout(),
                    AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello),
                )
                .await?;
                if let (SmtpSecurity::Starttls, Some(tls)) = (self.settings.security, &self.tls) {
                    timed(self.timeout(), c.starttls(tls.clone(), &self.hello)).await?;
                }
                c
            }
        };
        if let Some(creds) = &self.credentials {
            timed(
                self.timeout(),
                conn.auth(&[Mechanism::Plain, Mechanism::Login], creds),
            )
            .await?;
        }
        Ok(conn)
    }

    async fn send(&self, message: &Message) -> Outcome {
        let bytes = message.formatted();
        let envelope = message.envelope();
        // A kept connection the server has since closed fails at its first command,
        // before anything was sent: try once more on a new one.
        for reused_try in [true, false] {
            let reused = if reused_try { self.take_idle() } else { None };
            let mut conn = match reused {
                Some(c) => c,
                None if reused_try => continue,
                // Refused, TLS or login failures hold for every message: the sender waits
                // and tries again rather than failing the recipients.
                None => match self.open().await {
                    Ok(c) => c,
                    Err(e) if e.starttls_missing() => {
                        return Outcome::Refused(e.explain(&self.label))
                    }
                    Err(e) => return Outcome::Unreachable(format!("{}: {e}", self.label)),
                },
            };
            match self.transaction(&mut conn, envelope, &bytes).await {
                Ok(()) => {
                    self.put_idle(conn);
                    return Outcome::Sent;
                }
                Err((before_data, e)) => {
                    // A server that stopped answering may not answer QUIT either.
                    if !matches!(e, StepError::Timeout(_)) {
                        let _ = tokio::time::timeout(ABORT_WAIT, conn.abort()).await;
                    }
                    return match (e.reply(), before_data) {
                        // "421 idle timeout" on a kept connection: not the message's fault.
                        (Some(false), true) if reused_try && e.code() == Some(421) => continue,
                        (Some(true), _) => Outcome::Permanent(e.text()),
                        (Some(false), _) => Outcome::Temporary(e.text()),
                        (None, true) if reused_try => continue,
                        (None, true) => {
                            Outcome::Unreachable(format!("{}: {}", self.label, e.text()))
                        }
                        (None, false) => Outcome::Unknown(e.text()),
                    };
                }
            }
        }
        Outcome::Unreachable(format!("{}: no connection", self.label))
    }

    /// MAIL, RCPT, DATA, the message. The flag says whether a failure came before the
    /// message data began (then nothing can have been delivered).
    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        envelope: &lettre::address::Envelope,
        bytes: &[u8],
    ) -> std::result::Result<(), (bool, StepError)> {
        let t = self.timeout();
        let mut params = Vec::new();
        if !bytes.is_ascii() {
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        timed(t, conn.command(Mail::new(envelope.from().cloned(), params)))
            .await
            .map_err(|e| (true, e))?;
        for to in envelope.to() {
            timed(t, conn.command(Rcpt::new(to.clone(), Vec::new())))
                .await
                .map_err(|e| (true, e))?;
        }
        timed(t, conn.command(Data)).await.map_err(|e| (true, e))?;
        timed(t, conn.message(bytes))
            .await
            .map_err(|e| (false, e))?;
        Ok(())
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(c) = idle.pop() {
            if !c.has_broken() {
                return Some(c);
            }
        }
        None
    }

    fn put_idle(&self, conn: AsyncSmtpConnection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < self.settings.pool_size as usize {
            idle.push(conn);
        }
    }
}

/// How long a broken connection gets to say goodbye.
const ABORT_WAIT: Duration = Duration::from_secs(2);

/// A failed SMTP step: the server's answer or the connection's error, or no answer in time.
enum StepError {
    Smtp(lettre::transport::smtp::Error),
    Timeout(Duration),
}

impl StepError {
    fn text(&self) -> String {
        match self {
            StepError::Smtp(e) => chain(e),
            StepError::Timeout(d) => format!("no answer within {} s", d.as_secs()),
        }
    }
    fn code(&self) -> Option<u16> {
        match self {
            StepError::Smtp(e) => e.status().and_then(|c| c.to_string().parse().ok()),
            StepError::Timeout(_) => None,
        }
    }
    /// The server answered with a 4xx or 5xx code.
    fn reply(&self) -> Option<bool> {
        match self {
            StepError::Smtp(e) if e.status().is_some() => Some(e.is_permanent()),
            _ => None,
        }
    }
}

impl From<StepError> for OpenError {
    fn from(e: StepError) -> Self {
        match e {
            StepError::Smtp(e) => OpenError::Smtp(e),
            StepError::Timeout(_) => OpenError::Io(std::io::ErrorKind::TimedOut.into()),
        }
    }
}

/// An SMTP step with the configured timeout.
async fn timed<T>(
    d: Duration,
    f: impl std::future::Future<Output = std::result::Result<T, lettre::transport::smtp::Error>>,
) -> std::result::Result<T, StepError> {
    match tokio::time::timeout(d, f).await {
        Ok(r) => r.map_err(StepError::Smtp),
        Err(_) => Err(StepError::Timeout(d)),
    }
}

/// A short message that proves the settings work end to end.
pub fn test_message(
    settings: &MailSettings,
    to: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Message> {
    let to = crate::validate::email(to).map_err(|e| Error::invalid(format!("test address {e}")))?;
    Message::builder()
        .from(super::mailbox(
            &settings.sender_name,
            &settings.sender_email,
        )?)
        .to(super::mailbox("", &to)?)
        .subject("PatchDesk test message")
        .message_id(Some(format!(
            "<test.{}@{}>",
            now.timestamp_millis(),
            settings.domain()
        )))
        .date(std::time::SystemTime::from(now))
        .body(format!(
            "This message was sent by PatchDesk to check the mail settings.\n\nSender: {} <{}>\n",
            settings.sender_name, settings.sender_email
        ))
        .map_err(|e| Error::invalid(format!("test message: {e}")))
}

/// Sends one message now and says what became of it, in words.
pub async fn send_now(mailer: &Mailer, message: &Message) -> Result<String> {
    match mailer.send(message).await {
        Outcome::Sent => Ok(format!("Sent to {}", mailer.describe())),
        Outcome::Temporary(t) => Err(Error::Conflict(format!(
            "the server deferred it (try again later): {t}"
        ))),
        Outcome::Permanent(t) => Err(Error::Conflict(format!("the server refused it: {t}"))),
        Outcome::Unknown(t) => Err(Error::Conflict(format!(
            "the connection broke; it may or may not have been delivered: {t}"
        ))),
        Outcome::Unreachable(t) => Err(Error::Conflict(format!(
            "could not reach {}: {t}",
            mailer.describe()
        ))),
        Outcome::NotSent => Err(Error::Internal("the message was not sent".into())),
        Outcome::Refused(t) => Err(Error::Conflict(t)),
    }
}

pub fn outbox_dir(settings: &MailSettings, data_dir: &Path) -> PathBuf {
    settings
        .outbox_dir
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("outbox"))
}

/// Writes `<Message-ID>.eml` through a temporary file: a retry overwrites the same file,
/// so the folder never holds a message twice.
fn write_eml(dir: &Path, message: &Message) -> Outcome {
    let id = message
        .headers()
        .get_raw("Message-ID")
        .unwrap_or("message")
        .to_string();
    let name: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '@' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = name.trim_matches('_');
    let result = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, message.formatted())?;
        std::fs::rename(&tmp, dir.join(format!("{name}.eml")))
    })();
    match result {
        Ok(()) => Outcome::Sent,
        // A full disk or a missing permission does not fix itself per message.
        Err(e) => Outcome::Unreachable(format!("writing to {}: {e}", dir.display())),
    }
}

fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    parts.join(": ")
}
