//! Mail settings (sender, SMTP server or outbox folder, pacing and retries) and the
//! SMTP password, which lives in the OS credential store and nowhere else.

use serde::{Deserialize, Serialize};
use sqlx::{SqliteConnection, SqlitePool};
use ts_rs::TS;

use crate::db::begin_write;
use crate::ports::Clock;
use crate::{audit, validate, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; refused if the server does not offer it.
    Starttls,
    /// TLS from the first byte (usually port 465).
    Tls,
    /// No encryption: only to a loopback address, or with `allowPlainRemote`.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// Set when the server needs authentication; the password is in the credential store.
    pub username: Option<String>,
    /// Sends without encryption to a host that is not this machine (a trusted network).
    #[serde(default)]
    pub allow_plain_remote: bool,
    /// Connections kept open and used in parallel.
    pub pool_size: u32,
    pub timeout_secs: u32,
    /// A PEM file with the organisation's own certificate authority, trusted in addition
    /// to the system's.
    pub extra_ca_file: Option<String>,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            allow_plain_remote: false,
            pool_size: 4,
            timeout_secs: 30,
            extra_ca_file: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailSettings {
    pub sender_name: String,
    pub sender_email: String,
    /// `None`: messages are written as .eml files to the outbox folder.
    pub smtp: Option<SmtpSettings>,
    /// `None`: `outbox/` in the data directory.
    pub outbox_dir: Option<String>,
    /// Messages per second at most; `None` = as fast as the server takes them.
    pub rate_per_second: Option<u32>,
    /// Tries for a temporary (4xx) failure before it counts as failed.
    pub max_attempts: u32,
    /// First wait after a temporary failure; it doubles on each further try.
    pub retry_base_secs: u32,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings {
            sender_name: "IT Service Desk".into(),
            sender_email: "servicedesk@example.com".into(),
            smtp: None,
            outbox_dir: None,
            rate_per_second: None,
            max_attempts: 6,
            retry_base_secs: 60,
        }
    }
}

impl MailSettings {
    /// The domain of the sender's address, used in Message-IDs and calendar UIDs.
    pub fn domain(&self) -> &str {
        self.sender_email
            .rsplit_once('@')
            .map(|(_, d)| d)
            .unwrap_or("localhost")
    }

    pub fn check(&self) -> Result<()> {
        let name = validate::text(&self.sender_name, 100)
            .map_err(|e| Error::invalid(format!("sender name {e}")))?;
        if name.is_empty() {
            return Err(Error::invalid("the sender name is empty"));
        }
        validate::email(&self.sender_email)
            .map_err(|e| Error::invalid(format!("sender address: {e}")))?;
        if !(1..=20).contains(&self.max_attempts) {
            return Err(Error::invalid(
                "tries for a temporary failure must be 1 to 20",
            ));
        }
        if !(1..=86_400).contains(&self.retry_base_secs) {
            return Err(Error::invalid(
                "the first retry wait must be 1 second to 1 day",
            ));
        }
        if self.rate_per_second == Some(0) {
            return Err(Error::invalid(
                "a rate of 0 messages per second sends nothing; leave it empty for no limit",
            ));
        }
        if let Some(s) = &self.smtp {
            server_name(&s.host)?;
            if s.port == 0 {
                return Err(Error::invalid("SMTP port must be 1 to 65535"));
            }
            if s.security == SmtpSecurity::Plain && !is_loopback(&s.host) && !s.allow_plain_remote {
                return Err(Error::invalid(format!(
                    "sending without encryption to {} would expose messages (and any password) on the network; choose STARTTLS or TLS, or allow unencrypted sending to this trusted server explicitly",
                    s.host
                )));
            }
            if let Some(u) = &s.username {
                validate::text(u, 200)
                    .map_err(|e| Error::invalid(format!("SMTP user name {e}")))?;
            }
            if !(1..=32).contains(&s.pool_size) {
                return Err(Error::invalid("SMTP connections must be 1 to 32"));
            }
            if !(1..=600).contains(&s.timeout_secs) {
                return Err(Error::invalid("the SMTP timeout must be 1 to 600 seconds"));
            }
        }
        Ok(())
    }
}

/// A DNS name or an IP address.
fn server_name(host: &str) -> Result<()> {
    let bare = host.trim_matches(|c| c == '[' || c == ']');
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(format!(
            "SMTP server \"{host}\" is not a host name (e.g. smtp.example.com) or an IP address"
        )))
    }
}

pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub async fn load(conn: &mut SqliteConnection) -> Result<MailSettings> {
    crate::db::setting(conn, "mail").await
}

pub async fn get(pool: &SqlitePool) -> Result<MailSettings> {
    let mut conn = pool.acquire().await?;
    load(&mut conn).await
}

pub async fn set(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    s: &MailSettings,
) -> Result<()> {
    s.check()?;
    let mut tx = begin_write(pool).await?;
    crate::db::set_setting(&mut tx, "mail", s).await?;
    // The settings hold no secret; they are recorded as they are.
    audit::record(
        &mut tx,
        clock.now(),
        actor,
        "mail_settings.update",
        "settings",
        None,
        serde_json::to_value(s).unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The settings as the Settings page shows them: where mail goes and whether the SMTP
/// password is in the credential store (never the password itself).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MailSettingsView {
    pub settings: MailSettings,
    pub outbox_dir: String,
    pub password_saved: bool,
    /// Why the credential store could not be read, if it could not.
    pub password_problem: Option<String>,
}

pub async fn view(pool: &SqlitePool, data_dir: &std::path::Path) -> Result<MailSettingsView> {
    let settings = get(pool).await?;
    let (password_saved, password_problem) = match &settings.smtp {
        Some(smtp) if smtp.username.is_some() => match Secrets::smtp_password(smtp) {
            Ok(p) => (p.is_some(), None),
            Err(e) => (false, Some(e.to_string())),
        },
        _ => (false, None),
    };
    Ok(MailSettingsView {
        outbox_dir: super::transport::outbox_dir(&settings, data_dir)
            .display()
            .to_string(),
        settings,
        password_saved,
        password_problem,
    })
}

/// Saves the settings, and the password (when given) in the credential store.
pub async fn save(
    pool: &SqlitePool,
    clock: &dyn Clock,
    actor: &str,
    s: &MailSettings,
    password: Option<&str>,
) -> Result<()> {
    s.check()?;
    if let (Some(p), Some(smtp)) = (password, &s.smtp) {
        Secrets::set_smtp_password(smtp, p)?;
    }
    set(pool, clock, actor, s).await
}

/// Where secrets are kept. The app and the CLI use the OS credential store; tests use
/// keyring-core's in-memory mock store.
pub struct Secrets;

const SERVICE: &str = "PatchDesk";

impl Secrets {
    /// Makes the platform's credential store the default. Without one (no Secret Service
    /// on a headless Linux machine), reading or saving a password says so clearly.
    pub fn use_platform_store() {
        if keyring_core::get_default_store().is_some() {
            return;
        }
        #[cfg(target_os = "linux")]
        if let Ok(s) = dbus_secret_service_keyring_store::Store::new() {
            keyring_core::set_default_store(s);
        }
        #[cfg(target_os = "windows")]
        if let Ok(s) = windows_native_keyring_store::Store::new() {
            keyring_core::set_default_store(s);
        }
        #[cfg(target_os = "macos")]
        if let Ok(s) = apple_native_keyring_store::keychain::Store::new() {
            keyring_core::set_default_store(s);
        }
    }

    fn entry(smtp: &SmtpSettings) -> Result<keyring_core::Entry> {
        // Only now: connecting to the Secret Service is not free, and most setups
        // (the outbox folder, a relay without login) never need it.
        Self::use_platform_store();
        let user = smtp.username.clone().unwrap_or_default();
        keyring_core::Entry::new(SERVICE, &format!("smtp:{user}@{}", smtp.host))
            .map_err(store_error)
    }

    pub fn smtp_password(smtp: &SmtpSettings) -> Result<Option<String>> {
        if smtp.username.is_none() {
            return Ok(None);
        }
        match Self::entry(smtp)?.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    pub fn set_smtp_password(smtp: &SmtpSettings, password: &str) -> Result<()> {
        if smtp.username.is_none() {
            return Err(Error::invalid("set the SMTP user name before its password"));
        }
        let e = Self::entry(smtp)?;
        if password.is_empty() {
            return match e.delete_credential() {
                Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
                Err(err) => Err(store_error(err)),
            };
        }
        e.set_password(password).map_err(store_error)
    }
}

fn store_error(e: keyring_core::Error) -> Error {
    match e {
        keyring_core::Error::NoDefaultStore
        | keyring_core::Error::NoStorageAccess(_)
        | keyring_core::Error::PlatformFailure(_) => Error::Conflict(format!(
            "no credential store is available to keep the SMTP password ({e}). On Linux PatchDesk uses the Secret Service: start GNOME Keyring or KWallet in your session. The password is never written to the database."
        )),
        other => Error::Internal(format!("credential store: {other}")),
    }
}
