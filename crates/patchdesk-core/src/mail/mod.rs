//! End-user notification e-mail: templates, campaigns, the transactional outbox and the
//! mailers it sends through (SMTP or a folder of .eml files).

pub mod campaign;
pub mod outbox;
pub mod settings;
pub mod template;
pub mod transport;

pub use settings::{MailSettings, Secrets, SmtpSecurity, SmtpSettings};
pub use transport::Mailer;

use crate::{Error, Result};
use lettre::message::Mailbox;

/// A mailbox for lettre from a display name (blank for none) and an address.
pub(crate) fn mailbox(name: &str, email: &str) -> Result<Mailbox> {
    // Never hand lettre a name with a control character: it panics on CR/LF.
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(format!(
            "the name for {email} holds a control character"
        )));
    }
    let addr: lettre::Address = email
        .parse()
        .map_err(|e| Error::invalid(format!("\"{email}\" is not an e-mail address: {e}")))?;
    Ok(Mailbox::new(
        (!name.trim().is_empty()).then(|| name.trim().to_string()),
        addr,
    ))
}
