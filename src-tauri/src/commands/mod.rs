//! Command adapters, one file per area: take state, call one core function, convert the error.

pub mod app;
pub mod approvals;
pub mod catalog;
pub mod collections;
pub mod demo;
pub mod inventory;
pub mod mail;
pub mod releases;
