//! The `Mailer` port: an SMTP server through lettre (pooled, TLS as configured), or a
//! folder of .eml files when no server is set.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

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
}

pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        label: String,
    },
    Folder(PathBuf),
}

impl Mailer {
    /// The mailer the settings describe; the password comes from the credential store.
    pub fn from_settings(settings: &MailSettings, data_dir: &Path) -> Result<Mailer> {
        match &settings.smtp {
            None => Ok(Mailer::Folder(outbox_dir(settings, data_dir))),
            Some(smtp) => {
                let password = Secrets::smtp_password(smtp)?;
                smtp_mailer(smtp, password)
            }
        }
    }

    /// Where messages go, in words.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp { label, .. } => label.clone(),
            Mailer::Folder(dir) => format!("the outbox folder {}", dir.display()),
        }
    }

    pub async fn send(&self, message: &Message) -> Outcome {
        match self {
            Mailer::Folder(dir) => write_eml(dir, message),
            Mailer::Smtp { transport, .. } => match transport.send(message.clone()).await {
                Ok(_) => Outcome::Sent,
                Err(e) => classify(&e),
            },
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
            Mailer::Smtp { transport, label } => match transport.test_connection().await {
                Ok(true) => Ok(format!("Connected to {label}")),
                Ok(false) => Err(Error::Conflict(format!(
                    "{label} answered, but not as an SMTP server"
                ))),
                Err(e) => Err(Error::Conflict(explain(label, &e))),
            },
        }
    }
}

pub fn outbox_dir(settings: &MailSettings, data_dir: &Path) -> PathBuf {
    settings
        .outbox_dir
        .as_ref()
        .map(PathBuf::from)
        .unwrap_or_else(|| data_dir.join("outbox"))
}

fn smtp_mailer(s: &SmtpSettings, password: Option<String>) -> Result<Mailer> {
    let tls_params = || -> Result<TlsParameters> {
        let mut b = TlsParameters::builder(s.host.clone());
        if let Some(file) = &s.extra_ca_file {
            let pem = std::fs::read(file)
                .map_err(|e| Error::io(format!("reading the certificate authority {file}"), e))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| Error::invalid(format!("{file} is not a PEM certificate: {e}")))?;
            b = b.add_root_certificate(cert);
        }
        b.build()
            .map_err(|e| Error::invalid(format!("TLS settings for {}: {e}", s.host)))
    };
    let tls = match s.security {
        SmtpSecurity::Starttls => Tls::Required(tls_params()?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_params()?),
        SmtpSecurity::Plain => Tls::None,
    };
    let mut b = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(s.host.clone())
        .port(s.port)
        .tls(tls)
        .timeout(Some(Duration::from_secs(s.timeout_secs.into())))
        .pool_config(PoolConfig::new().max_size(s.pool_size));
    if let Some(user) = &s.username {
        let password = password.ok_or_else(|| {
            Error::invalid(format!(
                "the SMTP server needs a password for {user}; set it in Settings › Mail"
            ))
        })?;
        b = b.credentials(Credentials::new(user.clone(), password));
    }
    let security = match s.security {
        SmtpSecurity::Starttls => "STARTTLS",
        SmtpSecurity::Tls => "TLS",
        SmtpSecurity::Plain => "no encryption",
    };
    Ok(Mailer::Smtp {
        transport: b.build(),
        label: format!("{}:{} ({security})", s.host, s.port),
    })
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

fn classify(e: &lettre::transport::smtp::Error) -> Outcome {
    let text = e
        .status()
        .map(|_| e.to_string())
        .unwrap_or_else(|| chain(e));
    if e.is_permanent() {
        Outcome::Permanent(text)
    } else if e.is_transient() {
        Outcome::Temporary(text)
    } else if refused(e) || e.is_tls() || e.is_client() {
        Outcome::Unreachable(text)
    } else {
        Outcome::Unknown(text)
    }
}

/// The connection was refused or the name did not resolve: nothing reached the server.
fn refused(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionRefused
                    | AddrNotAvailable
                    | NotFound
                    | HostUnreachable
                    | NetworkUnreachable
            ) {
                return true;
            }
        }
        cur = err.source();
    }
    false
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

/// A connection check's failure in the words an administrator needs.
fn explain(label: &str, e: &lettre::transport::smtp::Error) -> String {
    let detail = chain(e);
    let lower = detail.to_lowercase();
    let hint = if refused(e) {
        "nothing answers there: check the server name and port, and that the server runs"
    } else if e.is_timeout() || lower.contains("timed out") {
        "the server did not answer in time: a firewall may be dropping the connection"
    } else if lower.contains("certificate") || lower.contains("unknownissuer") {
        "the server's certificate is not trusted: it may be self-signed or from your organisation's own authority (add it as an extra certificate authority), or the server name does not match the certificate"
    } else if e.is_tls() || lower.contains("starttls") || lower.contains("tls") {
        "the TLS handshake failed: the server may not offer STARTTLS on this port (port 465 usually needs TLS, 587 STARTTLS)"
    } else if e.is_permanent() && (lower.contains("auth") || lower.contains("535")) {
        "the server refused the user name or password"
    } else if lower.contains("auth") {
        "authentication failed or is not offered without encryption"
    } else {
        "the server refused the connection"
    };
    format!("Could not connect to {label}: {hint}. ({detail})")
}
