//! One error type for the whole core. It reaches the UI as `{ kind, message, details? }`.

use serde::Serialize;
use ts_rs::TS;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What kind of failure this is; the UI switches on it, never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ErrorKind {
    /// The input is wrong (bad CSV, unknown time zone, bad e-mail address…).
    Invalid,
    /// The thing asked for does not exist.
    NotFound,
    /// The request clashes with the current state (e.g. demo data over real data).
    Conflict,
    /// The person acting lacks the role the action needs.
    Forbidden,
    /// The work was cancelled by the user.
    Cancelled,
    /// A file could not be read or written.
    Io,
    /// A bug or an unexpected storage failure. Details are logged, not shown.
    Internal,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Invalid {
        message: String,
        details: Option<serde_json::Value>,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("cancelled")]
    Cancelled,
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::Invalid {
            message: message.into(),
            details: None,
        }
    }

    pub fn invalid_with(message: impl Into<String>, details: impl Serialize) -> Self {
        Error::Invalid {
            message: message.into(),
            details: serde_json::to_value(details).ok(),
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Invalid { .. } => ErrorKind::Invalid,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Db(e) if crate::db::is_busy(e) => ErrorKind::Conflict,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Io { .. } => ErrorKind::Io,
            Error::Db(_) | Error::Migrate(_) | Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The wire form. Internal errors carry no SQL or driver text.
    pub fn to_wire(&self) -> WireError {
        let kind = self.kind();
        let (message, details) = match self {
            Error::Invalid { message, details } => (message.clone(), details.clone()),
            Error::Db(e) if crate::db::is_busy(e) => (crate::db::busy_error().to_string(), None),
            Error::Db(_) | Error::Migrate(_) | Error::Internal(_) => (
                "An internal error occurred; the details are in the log.".to_string(),
                None,
            ),
            other => (other.to_string(), None),
        };
        WireError {
            kind,
            message,
            details,
        }
    }
}

/// `{ kind, message, details? }`: the only error shape the UI and `--json` see.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct WireError {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "unknown")]
    pub details: Option<serde_json::Value>,
}
