//! When a maintenance window is open: wall-clock recurrences resolved in a site's zone.
//!
//! Local times follow RFC 5545 (section 3.3.5): a local time that does not exist (the
//! clocks spring forward over it) is read with the UTC offset before the gap, so it
//! moves forward by the gap's length (02:30 in Berlin on the last Sunday of March is
//! 03:30 CEST); a local time that happens twice (the clocks fall back) is its first
//! occurrence (the earlier, summer-time one). A window lasts exactly its length, as an
//! RFC 5545 DURATION in hours and minutes does: "22:00 for 6 hours" closes at 03:00 local
//! on the night the clocks fall back and at 05:00 on the night they spring forward, so
//! a window never shrinks to nothing or runs twice.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A day of the week, as windows and templates name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Day {
    pub const ALL: [Day; 7] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
    ];
    pub fn weekday(self) -> Weekday {
        match self {
            Day::Mon => Weekday::Mon,
            Day::Tue => Weekday::Tue,
            Day::Wed => Weekday::Wed,
            Day::Thu => Weekday::Thu,
            Day::Fri => Weekday::Fri,
            Day::Sat => Weekday::Sat,
            Day::Sun => Weekday::Sun,
        }
    }
    pub fn from_weekday(w: Weekday) -> Day {
        Day::ALL[w.num_days_from_monday() as usize]
    }
    pub fn short(self) -> &'static str {
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][self as usize]
    }
    /// The two-letter code of RFC 5545 (`BYDAY=TU`).
    pub fn ical(self) -> &'static str {
        ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][self as usize]
    }
}

/// How often a window opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
#[ts(export)]
pub enum Recurrence {
    Daily,
    /// On the given days of every week.
    Weekly {
        days: Vec<Day>,
    },
    /// The `nth` (1–4, or -1 for the last) `weekday` of every month, plus `offset_days`
    /// (0–27): "2nd Tuesday + 3 days" is the Friday after Patch Tuesday.
    Monthly {
        nth: i8,
        weekday: Day,
        offset_days: u8,
    },
}

impl Recurrence {
    pub fn check(&self) -> Result<(), String> {
        match self {
            Recurrence::Daily => Ok(()),
            Recurrence::Weekly { days } if days.is_empty() => {
                Err("a weekly window needs at least one day".into())
            }
            Recurrence::Weekly { .. } => Ok(()),
            Recurrence::Monthly {
                nth, offset_days, ..
            } => {
                if !matches!(nth, 1..=4 | -1) {
                    return Err(format!(
                        "the week of the month must be 1 to 4 or -1 (last), not {nth}"
                    ));
                }
                if *offset_days > 27 {
                    return Err(format!(
                        "the days after the weekday must be 0 to 27, not {offset_days}"
                    ));
                }
                Ok(())
            }
        }
    }

    /// Whether the window opens on local date `d`.
    pub fn matches(&self, d: NaiveDate) -> bool {
        match self {
            Recurrence::Daily => true,
            Recurrence::Weekly { days } => days.iter().any(|x| x.weekday() == d.weekday()),
            Recurrence::Monthly {
                nth,
                weekday,
                offset_days,
            } => {
                // With an offset the day may fall in the month after the base weekday's.
                let base = d - Duration::days(i64::from(*offset_days));
                nth_weekday(base.year(), base.month(), weekday.weekday(), *nth) == Some(base)
            }
        }
    }

    /// In words: "daily", "Tue, Thu", "2nd Tue + 3 days".
    pub fn describe(&self) -> String {
        match self {
            Recurrence::Daily => "daily".into(),
            Recurrence::Weekly { days } => {
                let mut d = days.clone();
                d.sort();
                d.dedup();
                d.iter().map(|x| x.short()).collect::<Vec<_>>().join(", ")
            }
            Recurrence::Monthly {
                nth,
                weekday,
                offset_days,
            } => {
                let which = match nth {
                    1 => "1st",
                    2 => "2nd",
                    3 => "3rd",
                    4 => "4th",
                    _ => "last",
                };
                let plus = match offset_days {
                    0 => String::new(),
                    1 => " + 1 day".into(),
                    n => format!(" + {n} days"),
                };
                format!("{which} {} of the month{plus}", weekday.short())
            }
        }
    }
}

/// The `nth` `weekday` of a month (`-1`: the last), if the month has one.
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, nth: i8) -> Option<NaiveDate> {
    if nth == -1 {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let mut d = next.pred_opt()?;
        while d.weekday() != weekday {
            d = d.pred_opt()?;
        }
        return Some(d);
    }
    let n = u8::try_from(nth).ok().filter(|n| (1..=5).contains(n))?;
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// Patch Tuesday: the second Tuesday of the month.
pub fn patch_tuesday(year: i32, month: u32) -> Option<NaiveDate> {
    nth_weekday(year, month, Weekday::Tue, 2)
}

/// A wall-clock time in `tz` as an instant, by the rules at the top of this module.
pub fn resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => t.with_timezone(&Utc),
        LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
        LocalResult::None => {
            // In a gap: read it with the offset in force before the gap. A day earlier is
            // before it (no zone changes its offset twice within a day).
            let before = tz
                .offset_from_local_datetime(&(local - Duration::days(1)))
                .earliest()
                .map(|o| o.fix().local_minus_utc())
                .unwrap_or(0);
            Utc.from_utc_datetime(&(local - Duration::seconds(i64::from(before))))
        }
    }
}

/// One opening of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// The local date it is scheduled for.
    pub date: NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// The openings of a window in `tz` that overlap `[from, to)`, in order.
pub fn openings(
    rec: &Recurrence,
    start_time: NaiveTime,
    duration_minutes: u32,
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<Opening> {
    let mut out = Vec::new();
    if to <= from {
        return out;
    }
    // A window may open the day before `from` and still be open (up to 24 hours).
    let mut d = from.with_timezone(&tz).date_naive() - Duration::days(2);
    let last = to.with_timezone(&tz).date_naive() + Duration::days(1);
    let length = Duration::minutes(i64::from(duration_minutes));
    while d <= last {
        if rec.matches(d) {
            let start = resolve(tz, d.and_time(start_time));
            let end = start + length;
            if end > from && start < to {
                out.push(Opening {
                    date: d,
                    start,
                    end,
                });
            }
        }
        d += Duration::days(1);
    }
    out
}

/// Parses "HH:MM" (24-hour).
pub fn parse_time(value: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(value.trim(), "%H:%M")
        .map_err(|_| format!("'{value}' is not a time of day as HH:MM (24-hour), e.g. 22:00"))
}
