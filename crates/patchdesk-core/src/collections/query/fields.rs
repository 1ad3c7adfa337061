//! The fields a query can test: names, aliases, types and the operators each type allows.

use super::ast::{Field, FieldType};
use serde::Serialize;
use ts_rs::TS;

pub(crate) struct FieldDef {
    pub field: Field,
    /// The canonical name first, then aliases.
    pub names: &'static [&'static str],
    pub ty: FieldType,
    pub label: &'static str,
}

pub(crate) const FIELDS: &[FieldDef] = &[
    def(
        Field::Name,
        &["name", "computer", "hostname"],
        FieldType::Text,
        "Computer name",
    ),
    def(Field::Domain, &["domain"], FieldType::Text, "Domain"),
    def(Field::Site, &["site"], FieldType::Text, "Site"),
    def(
        Field::Department,
        &["department", "dept"],
        FieldType::Text,
        "Department",
    ),
    def(Field::Role, &["role"], FieldType::Enum, "Role"),
    def(
        Field::Os,
        &["os", "os_name"],
        FieldType::Text,
        "Operating system",
    ),
    def(
        Field::OsVersion,
        &["os_version"],
        FieldType::Version,
        "OS version",
    ),
    def(
        Field::Owner,
        &["owner", "owner_name"],
        FieldType::Text,
        "Owner",
    ),
    def(
        Field::Email,
        &["email", "owner_email"],
        FieldType::Text,
        "Owner e-mail",
    ),
    def(
        Field::LastSeen,
        &["last_seen"],
        FieldType::Time,
        "Last seen",
    ),
    def(
        Field::LastRun,
        &["last_run"],
        FieldType::Time,
        "Last update run",
    ),
    def(
        Field::FreeDisk,
        &["free_disk_gb", "free_disk"],
        FieldType::Number,
        "Free disk (GB)",
    ),
    def(
        Field::AgentVersion,
        &["agent_version"],
        FieldType::Version,
        "Agent version",
    ),
    def(
        Field::AgentState,
        &["agent_state"],
        FieldType::Enum,
        "Agent state",
    ),
    def(
        Field::Policy,
        &["policy", "client_policy"],
        FieldType::Enum,
        "Update-client policy",
    ),
];

/// Short names for the prerequisites the source document names.
pub(crate) const PREREQUISITE_ALIASES: &[(&str, &str)] = &[
    ("msxml", "MSXML"),
    ("dotnet", ".NET Framework"),
    ("windows_installer", "Windows Installer"),
];

const fn def(
    field: Field,
    names: &'static [&'static str],
    ty: FieldType,
    label: &'static str,
) -> FieldDef {
    FieldDef {
        field,
        names,
        ty,
        label,
    }
}

impl Field {
    pub fn ty(&self) -> FieldType {
        match self {
            Field::Prerequisite(_) => FieldType::Version,
            f => FIELDS
                .iter()
                .find(|d| &d.field == f)
                .map(|d| d.ty)
                .expect("every field has a definition"),
        }
    }

    /// The name the printer writes.
    pub fn name(&self) -> String {
        match self {
            Field::Prerequisite(p) => match PREREQUISITE_ALIASES.iter().find(|(_, n)| n == p) {
                Some((alias, _)) => (*alias).to_string(),
                None => format!("prerequisite[{}]", super::print::quote(p)),
            },
            f => FIELDS
                .iter()
                .find(|d| &d.field == f)
                .map(|d| d.names[0].to_string())
                .expect("every field has a definition"),
        }
    }

    /// Resolves a name (case-insensitive) or an alias.
    pub fn lookup(name: &str) -> Option<Field> {
        let n = name.to_ascii_lowercase();
        if let Some(d) = FIELDS.iter().find(|d| d.names.contains(&n.as_str())) {
            return Some(d.field.clone());
        }
        PREREQUISITE_ALIASES
            .iter()
            .find(|(alias, _)| *alias == n)
            .map(|(_, p)| Field::Prerequisite((*p).to_string()))
    }

    /// The values an enumeration field takes, stored form first, with accepted spellings.
    pub fn enum_values(&self) -> &'static [&'static str] {
        match self {
            Field::Role => &["workstation", "server"],
            Field::AgentState => &["running", "stopped", "not_installed", "unknown"],
            Field::Policy => &[
                "notify_download",
                "auto_download_notify_install",
                "auto_download_scheduled",
                "configmgr_advertised",
            ],
            _ => &[],
        }
    }
}

/// Every field name the language knows, for suggestions.
pub(crate) fn all_names() -> impl Iterator<Item = &'static str> {
    FIELDS
        .iter()
        .flat_map(|d| d.names.iter().copied())
        .chain(PREREQUISITE_ALIASES.iter().map(|(a, _)| *a))
        .chain(std::iter::once("prerequisite"))
}

/// A field as the rule builder offers it.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldInfo {
    pub field: Field,
    /// The name used in the text form.
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// For enumerations, the allowed values.
    pub values: Vec<String>,
}

/// The fields, in the order the builder lists them; `prerequisites` are the names the
/// inventory knows (each becomes a version field).
pub fn field_infos(prerequisites: &[String]) -> Vec<FieldInfo> {
    let mut out: Vec<FieldInfo> = FIELDS
        .iter()
        .map(|d| FieldInfo {
            field: d.field.clone(),
            name: d.names[0].to_string(),
            label: d.label.to_string(),
            ty: d.ty,
            values: d
                .field
                .enum_values()
                .iter()
                .map(|v| v.to_string())
                .collect(),
        })
        .collect();
    for p in prerequisites {
        let field = Field::Prerequisite(p.clone());
        out.push(FieldInfo {
            name: field.name(),
            label: format!("{p} version"),
            ty: FieldType::Version,
            values: Vec::new(),
            field,
        });
    }
    out
}

/// Levenshtein distance, for "did you mean" on misspelt names.
pub(crate) fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The nearest candidate within a distance that still looks like a typo.
pub(crate) fn nearest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    let limit = (w.chars().count() / 3).max(2);
    candidates
        .map(|c| (distance(&w, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
