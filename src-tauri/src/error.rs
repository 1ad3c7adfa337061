//! Commands fail with the core's wire shape `{ kind, message, details? }`.

use patchdesk_core::error::{ErrorKind, WireError};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct CommandError(pub WireError);

impl From<patchdesk_core::Error> for CommandError {
    fn from(e: patchdesk_core::Error) -> Self {
        if e.kind() == ErrorKind::Internal {
            // The full text (SQL included) goes to the log only.
            tracing::error!(error = %e, "command failed");
        }
        CommandError(e.to_wire())
    }
}

pub type CmdResult<T> = Result<T, CommandError>;
