//! End-user notification e-mail: templates, campaigns, the transactional outbox and the
//! mailers it sends through (SMTP or a folder of .eml files).

pub mod campaign;
pub mod outbox;
pub mod settings;
pub mod template;
pub mod transport;

pub use settings::{MailSettings, Secrets, SmtpSecurity, SmtpSettings};
pub use transport::Mailer;
