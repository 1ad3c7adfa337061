//! The release lifecycle as a pure state machine (SPEC C6):
//!
//! Draft → Submitted → Approved | Rejected | Changes requested → Scheduled →
//! In progress ⇄ Halted → Completed | Rolled back | Cancelled → Review due → Closed.
//!
//! Transitions are plain functions of the state, the action and the release's type, so
//! they can be tested exhaustively; who may act (quorum, the requester never approving)
//! is checked by the service in `approvals`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum State {
    Draft,
    Submitted,
    Approved,
    Rejected,
    ChangesRequested,
    Scheduled,
    InProgress,
    Halted,
    Completed,
    RolledBack,
    Cancelled,
    ReviewDue,
    Closed,
}

impl State {
    pub const ALL: [State; 13] = [
        State::Draft,
        State::Submitted,
        State::Approved,
        State::Rejected,
        State::ChangesRequested,
        State::Scheduled,
        State::InProgress,
        State::Halted,
        State::Completed,
        State::RolledBack,
        State::Cancelled,
        State::ReviewDue,
        State::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Approved => "approved",
            State::Rejected => "rejected",
            State::ChangesRequested => "changes_requested",
            State::Scheduled => "scheduled",
            State::InProgress => "in_progress",
            State::Halted => "halted",
            State::Completed => "completed",
            State::RolledBack => "rolled_back",
            State::Cancelled => "cancelled",
            State::ReviewDue => "review_due",
            State::Closed => "closed",
        }
    }

    pub fn from_db(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            State::Draft => "Draft",
            State::Submitted => "Submitted",
            State::Approved => "Approved",
            State::Rejected => "Rejected",
            State::ChangesRequested => "Changes requested",
            State::Scheduled => "Scheduled",
            State::InProgress => "In progress",
            State::Halted => "Halted",
            State::Completed => "Completed",
            State::RolledBack => "Rolled back",
            State::Cancelled => "Cancelled",
            State::ReviewDue => "Review due",
            State::Closed => "Closed",
        }
    }

    /// The plan may be edited (approvals given so far are then reset).
    pub fn editable(self) -> bool {
        matches!(
            self,
            State::Draft
                | State::Submitted
                | State::ChangesRequested
                | State::Approved
                | State::Scheduled
        )
    }
}

/// What someone does to a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Action {
    Submit,
    /// The approval that completes the quorum.
    Approve,
    Reject,
    RequestChanges,
    Schedule,
    Start,
    Halt,
    Resume,
    Complete,
    RollBack,
    Cancel,
    OpenReview,
    Close,
    /// An approval was revoked or the plan edited after approval: approvals start over.
    Reopen,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::Submit,
        Action::Approve,
        Action::Reject,
        Action::RequestChanges,
        Action::Schedule,
        Action::Start,
        Action::Halt,
        Action::Resume,
        Action::Complete,
        Action::RollBack,
        Action::Cancel,
        Action::OpenReview,
        Action::Close,
        Action::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Reject => "reject",
            Action::RequestChanges => "request_changes",
            Action::Schedule => "schedule",
            Action::Start => "start",
            Action::Halt => "halt",
            Action::Resume => "resume",
            Action::Complete => "complete",
            Action::RollBack => "roll_back",
            Action::Cancel => "cancel",
            Action::OpenReview => "open_review",
            Action::Close => "close",
            Action::Reopen => "reopen",
        }
    }
}

/// The state after `action`, or `None` when the machine does not allow it.
///
/// An emergency change may start as soon as it is approved (without waiting to be
/// scheduled); every other path is the same for both types.
pub fn next(state: State, action: Action, emergency: bool) -> Option<State> {
    use Action as A;
    use State as S;
    Some(match (state, action) {
        (S::Draft | S::ChangesRequested, A::Submit) => S::Submitted,
        (S::Submitted, A::Approve) => S::Approved,
        (S::Submitted, A::Reject) => S::Rejected,
        (S::Submitted, A::RequestChanges) => S::ChangesRequested,
        (S::Approved, A::Schedule) => S::Scheduled,
        (S::Approved, A::Start) if emergency => S::InProgress,
        (S::Scheduled, A::Start) => S::InProgress,
        (S::InProgress, A::Halt) => S::Halted,
        (S::Halted, A::Resume) => S::InProgress,
        (S::InProgress, A::Complete) => S::Completed,
        (S::InProgress | S::Halted, A::RollBack) => S::RolledBack,
        (
            S::Draft | S::Submitted | S::ChangesRequested | S::Approved | S::Scheduled | S::Halted,
            A::Cancel,
        ) => S::Cancelled,
        (S::Completed | S::RolledBack | S::Cancelled, A::OpenReview) => S::ReviewDue,
        (S::Rejected | S::ReviewDue, A::Close) => S::Closed,
        // A cancelled change that never ran has nothing to review.
        (S::Cancelled, A::Close) => S::Closed,
        (S::Approved | S::Scheduled, A::Reopen) => S::Submitted,
        (S::InProgress, A::Reopen) => S::Halted,
        _ => return None,
    })
}

/// The states `state` can move to, for refusals ("allowed next: …").
pub fn allowed(state: State, emergency: bool) -> Vec<State> {
    let mut out: Vec<State> = Action::ALL
        .iter()
        .filter_map(|a| next(state, *a, emergency))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The actions possible in `state`.
pub fn actions(state: State, emergency: bool) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| next(state, *a, emergency).is_some())
        .collect()
}
