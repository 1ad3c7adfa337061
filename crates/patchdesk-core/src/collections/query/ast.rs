//! The checked form of a query: every field resolved, every value typed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A query expression. `And`/`Or` hold two or more items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
#[ts(export)]
pub enum Expr {
    /// Every computer (the keyword `all`).
    All,
    And {
        items: Vec<Expr>,
    },
    Or {
        items: Vec<Expr>,
    },
    Not {
        item: Box<Expr>,
    },
    Cond {
        field: Field,
        test: Test,
    },
}

/// A computer attribute a query can test.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "key", content = "name", rename_all = "snake_case")]
#[ts(export)]
pub enum Field {
    Name,
    Domain,
    Site,
    Department,
    Role,
    Os,
    OsVersion,
    Owner,
    Email,
    LastSeen,
    LastRun,
    FreeDisk,
    AgentVersion,
    AgentState,
    Policy,
    /// A prerequisite's version by its name, e.g. `prerequisite['MSXML']`.
    Prerequisite(String),
}

/// What type a field's values have; it decides the operators and literals allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FieldType {
    Text,
    Version,
    Number,
    Time,
    Enum,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// How a field is tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "camelCase")]
#[ts(export)]
pub enum Test {
    Compare {
        cmp: CmpOp,
        value: Value,
    },
    Contains {
        text: String,
    },
    StartsWith {
        text: String,
    },
    EndsWith {
        text: String,
    },
    /// `*` matches any run of characters, `?` one character.
    Like {
        pattern: String,
    },
    In {
        values: Vec<Value>,
    },
    NotIn {
        values: Vec<Value>,
    },
    Between {
        low: Value,
        high: Value,
    },
    IsEmpty,
    IsNotEmpty,
    /// The time is at most this long ago.
    Within {
        age: Age,
    },
    /// The time is more than this long ago.
    OlderThan {
        age: Age,
    },
}

/// A typed literal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
#[ts(export)]
pub enum Value {
    Text(String),
    Number(f64),
    /// Digits separated by dots, compared component by component.
    Version(String),
    Time(DateTime<Utc>),
    /// The stored form of an enumeration value (`workstation`, `notify_download`…).
    Enum(String),
}

/// A relative age such as `7d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Age {
    pub amount: u32,
    pub unit: AgeUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AgeUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
}

impl AgeUnit {
    pub fn suffix(self) -> char {
        match self {
            AgeUnit::Minutes => 'm',
            AgeUnit::Hours => 'h',
            AgeUnit::Days => 'd',
            AgeUnit::Weeks => 'w',
        }
    }
}

impl Age {
    pub fn seconds(self) -> i64 {
        let unit = match self.unit {
            AgeUnit::Minutes => 60,
            AgeUnit::Hours => 3_600,
            AgeUnit::Days => 86_400,
            AgeUnit::Weeks => 604_800,
        };
        i64::from(self.amount) * unit
    }
}

impl Expr {
    /// Folds single-item `And`/`Or` and nested lists of the same kind, the shapes the
    /// text form cannot express, so that a builder's tree prints and parses back equal.
    pub fn normalized(self) -> Expr {
        match self {
            Expr::And { items } => fold(items, true),
            Expr::Or { items } => fold(items, false),
            Expr::Not { item } => Expr::Not {
                item: Box::new(item.normalized()),
            },
            other => other,
        }
    }
}

fn fold(items: Vec<Expr>, and: bool) -> Expr {
    let mut out = Vec::with_capacity(items.len());
    for item in items.into_iter().map(Expr::normalized) {
        match item {
            Expr::And { items } if and => out.extend(items),
            Expr::Or { items } if !and => out.extend(items),
            other => out.push(other),
        }
    }
    match out.len() {
        0 => Expr::All,
        1 => out.pop().expect("one item"),
        _ if and => Expr::And { items: out },
        _ => Expr::Or { items: out },
    }
}
