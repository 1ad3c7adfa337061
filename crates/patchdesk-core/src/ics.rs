//! A small iCalendar (RFC 5545) writer: escaped text, UTC times, CRLF line ends and
//! lines folded at 75 octets without splitting a UTF-8 character.

use chrono::{DateTime, Utc};

/// One VEVENT.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub sequence: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub categories: Vec<String>,
}

/// A VCALENDAR with the given events, stamped `now`.
pub fn calendar(name: &str, events: &[Event], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//PatchDesk//Rollout schedule//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", text(&e.uid)));
        line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
        line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        line(&mut out, &format!("DTSTART:{}", stamp(e.start)));
        line(&mut out, &format!("DTEND:{}", stamp(e.end)));
        line(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        if !e.description.is_empty() {
            line(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        }
        if !e.categories.is_empty() {
            let cats: Vec<String> = e.categories.iter().map(|c| text(c)).collect();
            line(&mut out, &format!("CATEGORIES:{}", cats.join(",")));
        }
        line(&mut out, "TRANSP:TRANSPARENT");
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// Whether an invitation asks for a place in the calendar or takes it back (RFC 5546).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A one-way calendar reminder sent by e-mail: one event, one attendee who is not asked
/// to reply, free time, and an alarm at the event's start.
#[derive(Debug, Clone)]
pub struct Invite {
    pub method: Method,
    pub uid: String,
    pub sequence: i64,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub summary: String,
    pub description: String,
    pub organizer: (String, String),
    pub attendee: (String, String),
}

/// The iCalendar text of an invitation (or its call-off), stamped `now`.
pub fn invite(i: &Invite, now: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(1024);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//PatchDesk//Notification//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("METHOD:{}", i.method.as_str()));
    line(&mut out, "BEGIN:VEVENT");
    line(&mut out, &format!("UID:{}", text(&i.uid)));
    line(&mut out, &format!("DTSTAMP:{}", stamp(now)));
    line(&mut out, &format!("SEQUENCE:{}", i.sequence));
    line(&mut out, &format!("DTSTART:{}", stamp(i.start)));
    line(&mut out, &format!("DTEND:{}", stamp(i.end)));
    line(&mut out, &format!("SUMMARY:{}", text(&i.summary)));
    if !i.description.is_empty() {
        line(&mut out, &format!("DESCRIPTION:{}", text(&i.description)));
    }
    line(
        &mut out,
        &format!(
            "ORGANIZER;CN={}:mailto:{}",
            param(&i.organizer.0),
            i.organizer.1
        ),
    );
    line(
        &mut out,
        &format!(
            "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:{}",
            param(&i.attendee.0),
            i.attendee.1
        ),
    );
    line(&mut out, "TRANSP:TRANSPARENT");
    match i.method {
        Method::Request => {
            line(&mut out, "STATUS:CONFIRMED");
            // Outlook reads the first alarm only; -PT0M fires at the start itself.
            line(&mut out, "BEGIN:VALARM");
            line(&mut out, "ACTION:DISPLAY");
            line(&mut out, &format!("DESCRIPTION:{}", text(&i.summary)));
            line(&mut out, "TRIGGER:-PT0M");
            line(&mut out, "END:VALARM");
        }
        Method::Cancel => line(&mut out, "STATUS:CANCELLED"),
    }
    line(&mut out, "END:VEVENT");
    line(&mut out, "END:VCALENDAR");
    out
}

/// A parameter value (section 3.2): quoted, with the characters a quoted value cannot
/// hold removed.
fn param(v: &str) -> String {
    let clean: String = v.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// UTC date-time form: 20261208T220000Z.
pub fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// TEXT value escaping (section 3.3.11).
pub fn text(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            ';' => s.push_str("\\;"),
            ',' => s.push_str("\\,"),
            '\n' => s.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => s.push(c),
        }
    }
    s
}

/// Appends a content line, folded so no physical line exceeds 75 octets (section 3.1).
pub fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "패치 배포 일정 ".repeat(20));
        line(&mut out, &long);
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.strip_suffix("\r\n").unwrap().replace("\r\n ", "");
        assert_eq!(unfolded, long);
    }

    #[test]
    fn escapes_text() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
