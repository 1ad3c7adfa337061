//! Inventory types that cross IPC and the CLI's `--json`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    Workstation,
    Server,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Workstation => "workstation",
            Role::Server => "server",
        }
    }
    pub fn parse(v: &str) -> Result<Option<Role>, String> {
        match v {
            "workstation" => return Ok(Some(Role::Workstation)),
            "server" => return Ok(Some(Role::Server)),
            _ => {}
        }
        match crate::import::normalize(v).as_str() {
            "" => Ok(None),
            "workstation" | "desktop" | "laptop" | "notebook" | "ws" | "client" | "pc" => {
                Ok(Some(Role::Workstation))
            }
            "server" | "srv" => Ok(Some(Role::Server)),
            _ => Err(format!("'{v}' is not a role (use workstation or server)")),
        }
    }
    pub fn from_db(v: &str) -> Role {
        if v == "server" {
            Role::Server
        } else {
            Role::Workstation
        }
    }
}

/// How the computer's update agent downloads and installs (SPEC: the four policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClientPolicy {
    /// Notify for download and notify for install: a local administrator accepts both.
    NotifyDownload,
    /// Download automatically, notify for install: a local administrator accepts the install.
    AutoDownloadNotifyInstall,
    /// Download automatically, schedule the install: users can only delay the restart.
    AutoDownloadScheduled,
    /// Configuration Manager (SMS) advertised program: runs on the advertisement's schedule.
    ConfigmgrAdvertised,
}

impl ClientPolicy {
    pub const ALL: [ClientPolicy; 4] = [
        ClientPolicy::NotifyDownload,
        ClientPolicy::AutoDownloadNotifyInstall,
        ClientPolicy::AutoDownloadScheduled,
        ClientPolicy::ConfigmgrAdvertised,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ClientPolicy::NotifyDownload => "notify_download",
            ClientPolicy::AutoDownloadNotifyInstall => "auto_download_notify_install",
            ClientPolicy::AutoDownloadScheduled => "auto_download_scheduled",
            ClientPolicy::ConfigmgrAdvertised => "configmgr_advertised",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ClientPolicy::NotifyDownload => "Notify for download and install",
            ClientPolicy::AutoDownloadNotifyInstall => "Auto download, notify for install",
            ClientPolicy::AutoDownloadScheduled => "Auto download, scheduled install",
            ClientPolicy::ConfigmgrAdvertised => "Configuration Manager program",
        }
    }
    pub fn parse(v: &str) -> Result<ClientPolicy, String> {
        if let Some(p) = Self::ALL.iter().find(|p| p.as_str() == v) {
            return Ok(*p);
        }
        let n = crate::import::normalize(v);
        let p = match n.as_str() {
            "1" | "notifydownload" | "notifyfordownloadandnotifyforinstall"
            | "notifydownloadnotifyinstall" => ClientPolicy::NotifyDownload,
            "2" | "autodownloadnotifyinstall" | "downloadautomaticallynotifyforinstall"
            | "autodownloadandnotifyforinstall" | "notifyinstall" => {
                ClientPolicy::AutoDownloadNotifyInstall
            }
            "3" | "autodownloadscheduled" | "autodownloadscheduledinstall"
            | "autodownloadandscheduletheinstall" | "downloadautomaticallyscheduletheinstall"
            | "scheduled" | "scheduledinstall" => ClientPolicy::AutoDownloadScheduled,
            "4" | "configmgradvertised" | "configmgr" | "sccm" | "sms" | "configurationmanager"
            | "advertised" | "advertisedprogram" | "smsadvertisedprogram" | "mecm" => {
                ClientPolicy::ConfigmgrAdvertised
            }
            _ => {
                return Err(format!(
                "'{v}' is not an update-client policy (use notify_download, auto_download_notify_install, auto_download_scheduled or configmgr_advertised, or 1-4)"
            ))
            }
        };
        Ok(p)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AgentState {
    Running,
    Stopped,
    NotInstalled,
    Unknown,
}

impl AgentState {
    pub const ALL: [AgentState; 4] = [
        AgentState::Running,
        AgentState::Stopped,
        AgentState::NotInstalled,
        AgentState::Unknown,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Running => "running",
            AgentState::Stopped => "stopped",
            AgentState::NotInstalled => "not_installed",
            AgentState::Unknown => "unknown",
        }
    }
    pub fn parse(v: &str) -> Result<AgentState, String> {
        if let Some(a) = [
            Self::Running,
            Self::Stopped,
            Self::NotInstalled,
            Self::Unknown,
        ]
        .into_iter()
        .find(|a| a.as_str() == v)
        {
            return Ok(a);
        }
        Ok(match crate::import::normalize(v).as_str() {
            "running" | "started" | "ok" | "healthy" | "active" => AgentState::Running,
            "stopped" | "disabled" | "inactive" | "notrunning" => AgentState::Stopped,
            "notinstalled" | "missing" | "none" | "absent" => AgentState::NotInstalled,
            "unknown" | "" => AgentState::Unknown,
            _ => {
                return Err(format!(
                    "'{v}' is not an agent state (use running, stopped, not_installed or unknown)"
                ))
            }
        })
    }
    pub fn from_db(v: &str) -> AgentState {
        AgentState::parse(v).unwrap_or(AgentState::Unknown)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Site {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub time_zone: String,
    #[ts(type = "number")]
    pub computer_count: i64,
}

/// One computer as lists show it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Computer {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub domain: String,
    #[ts(type = "number")]
    pub site_id: i64,
    pub site: String,
    pub site_time_zone: String,
    pub department: String,
    pub role: Role,
    pub os_name: String,
    pub os_version: String,
    pub owner_name: String,
    pub owner_email: String,
    pub last_seen: Option<DateTime<Utc>>,
    pub last_run: Option<DateTime<Utc>>,
    pub free_disk_gb: Option<f64>,
    pub agent_version: String,
    pub agent_state: AgentState,
    pub client_policy: ClientPolicy,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Prerequisite {
    pub name: String,
    pub version: String,
}

/// One computer with everything known about it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ComputerDetail {
    pub computer: Computer,
    pub prerequisites: Vec<Prerequisite>,
    /// The site's local time of `lastSeen` and `lastRun`, for display.
    pub last_seen_local: Option<String>,
    pub last_run_local: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ComputerSort {
    #[default]
    Name,
    Site,
    Department,
    Role,
    Os,
    OsVersion,
    Owner,
    LastSeen,
    LastRun,
    FreeDisk,
    AgentState,
    ClientPolicy,
}

impl ComputerSort {
    pub const ALL: [ComputerSort; 12] = [
        ComputerSort::Name,
        ComputerSort::Site,
        ComputerSort::Department,
        ComputerSort::Role,
        ComputerSort::Os,
        ComputerSort::OsVersion,
        ComputerSort::Owner,
        ComputerSort::LastSeen,
        ComputerSort::LastRun,
        ComputerSort::FreeDisk,
        ComputerSort::AgentState,
        ComputerSort::ClientPolicy,
    ];

    /// Its name on the wire (`osVersion`).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Parse `os-version`, `os_version` or `osVersion` (case and punctuation ignored).
    pub fn parse(v: &str) -> Result<ComputerSort, String> {
        let n = crate::import::normalize(v);
        Self::ALL
            .into_iter()
            .find(|s| crate::import::normalize(&s.name()) == n)
            .ok_or_else(|| {
                let names: Vec<String> = Self::ALL.iter().map(|s| s.name()).collect();
                format!(
                    "'{v}' is not a sort column (use one of: {})",
                    names.join(", ")
                )
            })
    }
}

/// A page request over the inventory: filters, sort and window.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export)]
pub struct ComputerQuery {
    /// Matches name, owner, owner e-mail and department (case-insensitive, contains).
    pub search: Option<String>,
    #[ts(type = "number | null")]
    pub site_id: Option<i64>,
    pub role: Option<Role>,
    pub os_name: Option<String>,
    pub client_policy: Option<ClientPolicy>,
    pub agent_state: Option<AgentState>,
    pub last_seen_within_days: Option<u32>,
    pub last_seen_older_than_days: Option<u32>,
    /// Only the members of this collection (as of its last evaluation).
    #[ts(type = "number | null")]
    pub collection_id: Option<i64>,
    pub sort: ComputerSort,
    pub descending: bool,
    pub offset: u32,
    /// Rows per page, 1 to 1,000 (default 100).
    pub limit: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ComputerPage {
    /// How many computers match the filters.
    #[ts(type = "number")]
    pub total: i64,
    pub offset: u32,
    pub rows: Vec<Computer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Count {
    pub value: String,
    #[ts(type = "number")]
    pub count: i64,
}

/// Values to offer in filter pickers, with how many computers have each.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct InventoryFacets {
    #[ts(type = "number")]
    pub total: i64,
    pub sites: Vec<Site>,
    pub os_names: Vec<Count>,
    pub departments: Vec<Count>,
    pub roles: Vec<Count>,
    pub client_policies: Vec<Count>,
    pub agent_states: Vec<Count>,
}
