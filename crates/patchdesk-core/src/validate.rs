//! Field validators shared by importers and editors. Each returns a reason a user can act on.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// Text in Unicode's composed form (NFC), so a decomposed "São Paulo" typed or imported
/// is the same site, and matches the same query, as a composed one. Borrows when the
/// text is already composed (nearly always: a quick check settles ASCII at once).
pub fn nfc(value: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if is_nfc_quick(value.chars()) == IsNormalized::Yes {
        std::borrow::Cow::Borrowed(value)
    } else {
        std::borrow::Cow::Owned(value.nfc().collect())
    }
}

/// [`nfc`] as an owned string.
pub fn text_nfc(value: &str) -> String {
    nfc(value).into_owned()
}

/// Refuses any control character (CR, LF, ESC, NUL…) in a one-line value: it would
/// corrupt a mail header or a terminal. `what` names the field.
pub fn no_control(what: &str, value: &str) -> Result<(), String> {
    match value.chars().find(|c| c.is_control()) {
        Some(c) => Err(format!(
            "{what} contains a control character (U+{:04X}); line breaks, tabs and escape characters are not allowed",
            c as u32
        )),
        None => Ok(()),
    }
}

/// Refuses control characters other than line breaks and tabs in multi-line text.
pub fn no_control_multiline(what: &str, value: &str) -> Result<(), String> {
    match value
        .chars()
        .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Some(c) => Err(format!(
            "{what} contains a control character (U+{:04X})",
            c as u32
        )),
        None => Ok(()),
    }
}

/// Free text: no control characters (they would corrupt e-mail headers later), bounded
/// length, composed (NFC).
pub fn text(value: &str, max: usize) -> Result<String, String> {
    let v = nfc(value.trim()).into_owned();
    let v = v.as_str();
    if let Some(c) = v.chars().find(|c| c.is_control()) {
        return Err(format!(
            "contains a control character (U+{:04X}); line breaks and tabs are not allowed here",
            c as u32
        ));
    }
    if v.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    Ok(v.to_string())
}

/// [`text`] for an owned value: no copy when it needs no trimming (imports call this
/// for millions of fields).
pub fn text_owned(value: String, max: usize) -> Result<String, String> {
    let clean =
        value.trim().len() == value.len() && matches!(nfc(&value), std::borrow::Cow::Borrowed(_));
    if !clean {
        return text(&value, max);
    }
    if let Some(c) = value.chars().find(|c| c.is_control()) {
        return Err(format!(
            "contains a control character (U+{:04X}); line breaks and tabs are not allowed here",
            c as u32
        ));
    }
    if value.len() > max && value.chars().count() > max {
        return Err(format!("is longer than {max} characters"));
    }
    Ok(value)
}

/// A computer's host name: letters, digits, '-' and '_', 1 to 63 characters.
pub fn host_name(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("is empty; every computer needs a name".into());
    }
    if v.len() > 63 {
        return Err("is longer than 63 characters".into());
    }
    if let Some(c) = v
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "'{v}' contains '{c}'; a computer name may hold only letters, digits, '-' and '_'"
        ));
    }
    if v.starts_with('-') {
        return Err(format!("'{v}' starts with '-'"));
    }
    Ok(v.to_ascii_uppercase())
}

/// An e-mail address: `local@domain.tld`, no spaces, no display name, no control characters.
pub fn email(value: &str) -> Result<String, String> {
    let v = value.trim();
    let bad = || format!("'{v}' is not an e-mail address (expected name@example.com)");
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.rsplit_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || local.len() > 64
        || local.contains('@')
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
        || local.chars().any(|c| "<>()[]\\,;:\"".contains(c))
    {
        return Err(bad());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2
        || labels.iter().any(|l| {
            l.is_empty()
                || l.len() > 63
                || l.starts_with('-')
                || l.ends_with('-')
                || !l.chars().all(|c| c.is_alphanumeric() || c == '-')
        })
    {
        return Err(bad());
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// An IANA time-zone name, case-sensitive, as `chrono-tz` knows it.
/// Abbreviations such as `CET` or `EST` are refused: they hide daylight-saving rules.
pub fn time_zone(value: &str) -> Result<chrono_tz::Tz, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("is empty; give an IANA time zone such as Europe/Berlin".into());
    }
    let tz: chrono_tz::Tz = v.parse().map_err(|_| {
        let hint = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|t| t.name().eq_ignore_ascii_case(v))
            .map(|t| format!(" (did you mean {}?)", t.name()))
            .unwrap_or_default();
        format!("'{v}' is not an IANA time zone{hint}; use a name such as Asia/Seoul")
    })?;
    if !tz.name().contains('/') && tz.name() != "UTC" {
        return Err(format!(
            "'{v}' is an abbreviation; use a region name such as Europe/Berlin so daylight saving is right"
        ));
    }
    Ok(tz)
}

/// A dotted version: digits separated by dots (`10.0.19045`, `8.40.9419.0`).
pub fn version(value: &str) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(String::new());
    }
    if v.len() > 64
        || !v
            .split('.')
            .all(|p| !p.is_empty() && p.len() <= 10 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!(
            "'{v}' is not a version (digits separated by dots, such as 10.0.19045)"
        ));
    }
    Ok(v.to_string())
}

/// A key that sorts versions by their numeric components: each is zero-padded to 10 digits.
pub fn version_key(version: &str) -> String {
    if version.is_empty() {
        return String::new();
    }
    version
        .split('.')
        .map(|p| format!("{:0>10}", p))
        .collect::<Vec<_>>()
        .join(".")
}

/// An instant: RFC 3339 (`2026-11-20T08:15:00Z`, `…+09:00`), or `YYYY-MM-DD HH:MM[:SS]`
/// and `YYYY-MM-DD`, which are read as UTC.
pub fn instant(value: &str) -> Result<Option<DateTime<Utc>>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    for fmt in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, fmt) {
            return Ok(Some(t.and_utc()));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        return Ok(Some(d.and_hms_opt(0, 0, 0).expect("midnight").and_utc()));
    }
    Err(format!(
        "'{v}' is not a date and time (use 2026-11-20T08:15:00Z, or 2026-11-20 08:15 for UTC)"
    ))
}

pub fn date(value: &str) -> Result<Option<NaiveDate>, String> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("'{v}' is not a date (use YYYY-MM-DD, such as 2026-11-10)"))
}

pub fn boolean(value: &str) -> Result<Option<bool>, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "1" | "yes" | "y" | "true" | "required" => Ok(Some(true)),
        "0" | "no" | "n" | "false" | "not required" => Ok(Some(false)),
        other => Err(format!(
            "'{other}' is not yes/no (use yes, no, true, false, 1 or 0)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_component() {
        assert!(version_key("10.0.9600") < version_key("10.0.19045"));
        assert!(version_key("6.3.9600") < version_key("10.0.9600"));
        assert!(version("10.0.x").is_err());
    }

    #[test]
    fn emails_and_zones() {
        assert_eq!(email(" Ana@Corp.Example ").unwrap(), "Ana@corp.example");
        for bad in [
            "ana",
            "ana@corp",
            "a b@corp.example",
            "ana@@corp.example",
            "x@-a.com",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(time_zone("Asia/Seoul").is_ok());
        assert!(time_zone("europe/berlin")
            .unwrap_err()
            .contains("Europe/Berlin"));
        assert!(time_zone("CET").is_err());
        assert!(time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn text_refuses_control_characters() {
        assert!(text("Evil\r\nBcc: x", 100).is_err());
        assert_eq!(text("  Kim Min-jun ", 100).unwrap(), "Kim Min-jun");
    }

    #[test]
    fn instants() {
        let t = instant("2026-11-20T09:00:00+09:00").unwrap().unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-20T00:00:00+00:00");
        assert!(instant("2026-13-01").is_err());
        assert_eq!(instant("").unwrap(), None);
    }
}
